package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stacked LoRA factors of one batch's adapters at one padded rank R: per {@link LoraKey} an A stack [n, in, R] and a
 * B stack [n, R, out] (per-expert keys [n, E, in, R] / [n, E, R, out]) and a scale per slot [n]. Slot 0 is zero ("no
 * adapter": its rows use the base alone), slot i+1 holds the i-th adapter; lower-rank adapters are zero-padded to R,
 * which is exact. A batch binds it to a row index [B] (int64) naming each row's slot.
 *
 * <p>{@link #stack} is the one way to build a bank: from {@link DeviceAdapter}s, by device-to-device copies. Serving
 * stacks the working set's adapters; training stacks the policies' trainable factors inside its gradient collector,
 * so that the stacking is recorded and each policy's gradient flows back into its own factors.
 */
public final class LoraBank implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager manager;
    private final int capacity;
    private final int rank;
    private final Set<Projection> targets;
    private final Map<LoraKey, NDArray> a = new LinkedHashMap<>();
    private final Map<LoraKey, NDArray> b = new LinkedHashMap<>();
    private final float[] hostScale;
    private NDArray scale; // [n]

    private LoraBank(ModelConfig config, NDManager manager, int capacity, int rank, Set<Projection> targets) {
        this.config = config;
        this.manager = manager;
        this.capacity = capacity;
        this.rank = rank;
        this.targets = Collections.unmodifiableSet(EnumSet.copyOf(targets));
        this.hostScale = new float[capacity];
    }

    /**
     * A bank for one batch, stacked on the device from device adapters: slot 0 is zero ("no adapter"), slot i+1
     * holds {@code adapters.get(i)}, zero-padded to the largest rank among them, covering the union of their targets.
     * Device-to-device copies only; the bank lives in a sub-manager of {@code parent}.
     */
    public static LoraBank stack(NDManager parent, ModelConfig c, List<DeviceAdapter> adapters) {
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        int rank = 1;
        for (DeviceAdapter r : adapters) {
            r.a().keySet().forEach(k -> targets.add(k.projection()));
            rank = Math.max(rank, r.rank());
        }
        if (targets.isEmpty()) {
            targets.add(Projection.Q);
        }
        LoraBank bank = new LoraBank(c, parent.newSubManager(), adapters.size() + 1, rank, targets);
        NDManager m = bank.manager;
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (Projection p : targets) {
                LoraKey key = LoraKey.of(c, layer, p);
                Shape slotA = new Shape(key.shapeA(c, rank));
                Shape slotB = new Shape(key.shapeB(c, rank));
                NDList as = new NDList();
                NDList bs = new NDList();
                as.add(m.zeros(slotA));
                bs.add(m.zeros(slotB));
                for (DeviceAdapter r : adapters) {
                    as.add(padRank(m, r.a().get(key), slotA, -1, rank));
                    bs.add(padRank(m, r.b().get(key), slotB, -2, rank));
                }
                bank.a.put(key, NDArrays.stack(as)); // [n, ...slotA]
                bank.b.put(key, NDArrays.stack(bs)); // [n, ...slotB]
            }
        }
        for (int i = 0; i < adapters.size(); i++) {
            bank.hostScale[i + 1] = adapters.get(i).scale();
        }
        bank.scale = m.create(bank.hostScale.clone());
        return bank;
    }

    /**
     * Convenience for tests and tools that hold adapters in Java memory: uploads them (null entries leave their slot
     * zero) and {@link #stack stacks} them. The uploads are closed once stacked; the bank holds copies.
     */
    public static LoraBank of(NDManager parent, ModelConfig c, List<LoraWeights> adapters) {
        try (NDManager uploads = parent.newSubManager()) {
            List<DeviceAdapter> device = new ArrayList<>();
            for (int i = 0; i < adapters.size(); i++) {
                LoraWeights w = adapters.get(i);
                device.add(DeviceAdapter.upload("slot-" + (i + 1), w != null ? w : LoraWeights.none(), c, uploads));
            }
            return stack(parent, c, device);
        }
    }

    /** An adapter factor as it sits in a stack of rank {@code rank}: zeros if absent, zero-padded on {@code axis}. */
    private static NDArray padRank(NDManager m, NDArray factor, Shape full, int axis, int rank) {
        if (factor == null) {
            return m.zeros(full);
        }
        int ax = axis < 0 ? full.dimension() + axis : axis;
        long have = factor.getShape().get(ax);
        if (have == rank) {
            return factor;
        }
        long[] padShape = full.getShape().clone(); // getShape() is the shape's own array
        padShape[ax] = rank - have;
        NDArray padded = factor.concat(m.zeros(new Shape(padShape)), ax);
        padded.attach(m); // it was created in the adapter's manager, which outlives this bank
        return padded;
    }

    /**
     * Binds the bank to one batch: {@code rowSlots} [B] int64 names each row's slot. Every row's factors are gathered
     * now and attached to {@code rowSlots}' manager, so they die with the batch (or move with it: continuous batching
     * joins them into its running rows).
     */
    public RowFactors bind(NDArray rowSlots) {
        NDManager batch = rowSlots.getManager();
        Map<LoraKey, NDArray[]> gathered = new LinkedHashMap<>();
        for (LoraKey key : a.keySet()) {
            gathered.put(key, new NDArray[] {gather(a.get(key), rowSlots, batch), gather(b.get(key), rowSlots, batch)});
        }
        return new RowFactors(batch, gathered, gather(scale, rowSlots, batch), rank);
    }

    private static NDArray gather(NDArray stack, NDArray rowSlots, NDManager batch) {
        NDArray g = stack.get(new NDIndex("{}", rowSlots));
        g.attach(batch); // the result of an op lands in the stack's (long-lived) manager otherwise
        return g;
    }

    public int capacity() {
        return capacity;
    }

    public int rank() {
        return rank;
    }

    public Set<Projection> targets() {
        return targets;
    }

    public float scale(int slot) {
        return hostScale[slot];
    }

    public NDManager manager() {
        return manager;
    }

    /** Device bytes held by the stacks. */
    public long byteSize() {
        long n = 0;
        for (NDArray x : a.values()) {
            n += x.getShape().size();
        }
        for (NDArray x : b.values()) {
            n += x.getShape().size();
        }
        return (n + capacity) * Float.BYTES;
    }

    @Override
    public void close() {
        manager.close();
    }
}
