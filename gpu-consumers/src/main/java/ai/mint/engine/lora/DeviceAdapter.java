package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One adapter's LoRA factors on the device at its own rank, in a sub-manager of its own that is closed with it: the
 * one device representation of an adapter, for serving (an adapter of the working set) and for training (a policy's
 * trainable leaves, updated in place by its optimizer, their gradients on the device). Device bytes are exactly
 * rank-proportional, which is what the working-set budget counts. {@link #toHost} is the only way back to Java
 * memory and counts every copy, so that a path which must not copy can be checked.
 */
public final class DeviceAdapter implements AutoCloseable {

    private final String id;
    private final ModelConfig config;
    private final int rank;
    private final float alpha;
    private final boolean rsLora;
    private final Set<Projection> targets;
    private final NDManager manager;
    private final Map<LoraKey, NDArray> a; // [in, r] or [E, in, r]
    private final Map<LoraKey, NDArray> b; // [r, out] or [E, r, out]
    private final long byteSize;
    private final AtomicLong hostCopies = new AtomicLong();

    private DeviceAdapter(String id, ModelConfig config, int rank, float alpha, boolean rsLora, Set<Projection> targets,
                          NDManager manager, Map<LoraKey, NDArray> a, Map<LoraKey, NDArray> b) {
        this.id = id;
        this.config = config;
        this.rank = rank;
        this.alpha = alpha;
        this.rsLora = rsLora;
        this.targets = targets;
        this.manager = manager;
        this.a = Collections.unmodifiableMap(a);
        this.b = Collections.unmodifiableMap(b);
        long values = 0;
        for (LoraKey key : a.keySet()) {
            values += key.sizeA(config, rank) + key.sizeB(config, rank);
        }
        this.byteSize = values * Float.BYTES;
    }

    /**
     * An adapter of factors already on the device in compute layout, owned by {@code manager} (which closes with it);
     * how {@link PeftDeviceReader} hands over what it uploaded.
     */
    static DeviceAdapter adopt(String id, ModelConfig c, int rank, float alpha, boolean rsLora, Set<Projection> targets,
                               NDManager manager, Map<LoraKey, NDArray> a, Map<LoraKey, NDArray> b) {
        for (LoraKey key : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(key).getShape().getShape(), key.shapeA(c, rank))
                    || !java.util.Arrays.equals(b.get(key).getShape().getShape(), key.shapeB(c, rank))) {
                throw new IllegalStateException("factors of " + key + " are " + a.get(key).getShape() + " and "
                        + b.get(key).getShape() + ", not the compute layout of rank " + rank);
            }
        }
        return new DeviceAdapter(id, c, rank, alpha, rsLora, targets, manager, a, b);
    }

    /** Copies a decoded adapter onto the device of {@code parent}, in a new sub-manager. */
    public static DeviceAdapter upload(String id, LoraWeights w, ModelConfig c, NDManager parent) {
        w.checkFits(c);
        NDManager m = parent.newSubManager();
        Map<LoraKey, NDArray> a = new LinkedHashMap<>();
        Map<LoraKey, NDArray> b = new LinkedHashMap<>();
        for (LoraKey key : w.a().keySet()) {
            a.put(key, m.create(w.a().get(key), new Shape(key.shapeA(c, w.rank()))));
            b.put(key, m.create(w.b().get(key), new Shape(key.shapeB(c, w.rank()))));
        }
        return new DeviceAdapter(id, c, w.rank(), w.alpha(), w.rsLora(), w.targets(), m, a, b);
    }

    public String id() {
        return id;
    }

    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }

    public boolean rsLora() {
        return rsLora;
    }

    /** {@code alpha / rank}, or {@code alpha / sqrt(rank)} for rsLoRA. */
    public float scale() {
        return rsLora ? (float) (alpha / Math.sqrt(rank)) : alpha / rank;
    }

    public Set<Projection> targets() {
        return targets;
    }

    public Map<LoraKey, NDArray> a() {
        return a;
    }

    public Map<LoraKey, NDArray> b() {
        return b;
    }

    /**
     * Every factor by its {@link LoraKey#parameterName parameter name}, A before B per key: the same arrays as
     * {@link #a()} and {@link #b()}, which an optimizer updates in place.
     */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (LoraKey key : a.keySet()) {
            out.put(key.parameterName(LoraKey.A), a.get(key));
            out.put(key.parameterName(LoraKey.B), b.get(key));
        }
        return out;
    }

    /** Whether autograd records operations on the factors (only while a training step runs). */
    public void setTrainable(boolean trainable) {
        a.values().forEach(x -> x.setRequiresGradient(trainable));
        b.values().forEach(x -> x.setRequiresGradient(trainable));
    }

    /** Copies the factors to Java memory (exporting, saving); counted in {@link #hostCopies()}. */
    public LoraWeights toHost() {
        hostCopies.incrementAndGet();
        Map<LoraKey, float[]> ha = new LinkedHashMap<>();
        Map<LoraKey, float[]> hb = new LinkedHashMap<>();
        for (LoraKey key : a.keySet()) {
            ha.put(key, a.get(key).toFloatArray());
            hb.put(key, b.get(key).toFloatArray());
        }
        return new LoraWeights(rank, alpha, rsLora, targets, ha, hb);
    }

    /** How often {@link #toHost} copied these factors to Java memory. */
    public long hostCopies() {
        return hostCopies.get();
    }

    /**
     * Overwrites the factors in place with {@code w} (a loaded checkpoint), keeping the arrays: what refers to them
     * (an optimizer's state, a bank being built) keeps referring to this adapter.
     */
    public void overwrite(LoraWeights w) {
        if (w.rank() != rank || w.rsLora() != rsLora || !w.a().keySet().equals(a.keySet())) {
            throw new EngineException("adapter " + id + " has rank " + rank + (rsLora ? " (rsLoRA)" : "")
                    + " and targets " + targets + "; the weights to load have rank " + w.rank()
                    + (w.rsLora() ? " (rsLoRA)" : "") + " and targets " + w.targets());
        }
        w.checkFits(config);
        for (LoraKey key : a.keySet()) {
            a.get(key).set(w.a().get(key));
            b.get(key).set(w.b().get(key));
        }
    }

    /** The manager the factors live in; arrays that belong to this adapter (its optimizer state) go here too. */
    public NDManager manager() {
        return manager;
    }

    public long byteSize() {
        return byteSize;
    }

    @Override
    public void close() {
        manager.close();
    }
}
