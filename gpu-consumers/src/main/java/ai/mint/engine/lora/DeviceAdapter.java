package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.model.ModelConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One adapter resident on the device at its own rank, in a sub-manager of its own that is closed when the adapter is
 * evicted. Device bytes are exactly rank-proportional, which is what the working-set budget counts.
 */
public final class DeviceAdapter implements AutoCloseable {

    private final String id;
    private final int rank;
    private final float scale;
    private final NDManager manager;
    private final Map<LoraKey, NDArray> a; // [in, r] or [E, in, r]
    private final Map<LoraKey, NDArray> b; // [r, out] or [E, r, out]
    private final long byteSize;

    private DeviceAdapter(String id, int rank, float scale, NDManager manager, Map<LoraKey, NDArray> a,
                            Map<LoraKey, NDArray> b, long byteSize) {
        this.id = id;
        this.rank = rank;
        this.scale = scale;
        this.manager = manager;
        this.a = Collections.unmodifiableMap(a);
        this.b = Collections.unmodifiableMap(b);
        this.byteSize = byteSize;
    }

    /** Copies a decoded adapter onto the device of {@code parent}, in a new sub-manager. */
    public static DeviceAdapter upload(String id, LoraWeights w, ModelConfig c, NDManager parent) {
        w.checkFits(c);
        NDManager m = parent.newSubManager();
        Map<LoraKey, NDArray> a = new LinkedHashMap<>();
        Map<LoraKey, NDArray> b = new LinkedHashMap<>();
        for (LoraKey key : w.a().keySet()) {
            a.put(key, m.create(w.a().get(key), key.expert()
                    ? new Shape(c.numExperts(), key.inDim(c), w.rank()) : new Shape(key.inDim(c), w.rank())));
            b.put(key, m.create(w.b().get(key), key.expert()
                    ? new Shape(c.numExperts(), w.rank(), key.outDim(c)) : new Shape(w.rank(), key.outDim(c))));
        }
        return new DeviceAdapter(id, w.rank(), w.scale(), m, a, b, w.byteSize());
    }

    public String id() {
        return id;
    }

    public int rank() {
        return rank;
    }

    public float scale() {
        return scale;
    }

    public Map<LoraKey, NDArray> a() {
        return a;
    }

    public Map<LoraKey, NDArray> b() {
        return b;
    }

    public long byteSize() {
        return byteSize;
    }

    @Override
    public void close() {
        manager.close();
    }
}
