package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stacked LoRA factors for {@code capacity} slots at one padded rank R: per {@link LoraKey} an A stack
 * [n, in, R] and a B stack [n, R, out] (per-expert keys [n, E, in, R] / [n, E, R, out]) and a scale per slot [n].
 * A batch binds it to a row index [B] (int64) naming each row's slot; a slot whose factors are zero (slot 0 by
 * convention) leaves its rows on the base alone. Lower-rank adapters are zero-padded to R, which is exact.
 * The trainer makes the stacks trainable with {@link #setRequiresGradient}.
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

    /** A bank of zero slots (every slot behaves as "no adapter" until written) in a sub-manager of {@code parent}. */
    public static LoraBank zeros(NDManager parent, ModelConfig c, Set<Projection> targets, int capacity, int rank) {
        if (capacity < 1 || rank < 1 || targets.isEmpty()) {
            throw new EngineException("a LoRA bank needs capacity >= 1, rank >= 1 and at least one target");
        }
        LoraBank bank = new LoraBank(c, parent.newSubManager(), capacity, rank, targets);
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (Projection p : targets) {
                LoraKey key = LoraKey.of(c, layer, p);
                bank.a.put(key, bank.manager.zeros(bank.shapeA(key)));
                bank.b.put(key, bank.manager.zeros(bank.shapeB(key)));
            }
        }
        bank.scale = bank.manager.zeros(new Shape(capacity));
        return bank;
    }

    /**
     * A bank holding {@code adapters} in slots 1..n (slot 0 stays zero), at the largest of their ranks, covering the
     * union of their targets. Null entries leave their slot zero.
     */
    public static LoraBank of(NDManager parent, ModelConfig c, List<LoraWeights> adapters) {
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        int rank = 1;
        for (LoraWeights w : adapters) {
            if (w != null) {
                targets.addAll(w.targets());
                rank = Math.max(rank, w.rank());
            }
        }
        if (targets.isEmpty()) {
            targets.add(Projection.Q);
        }
        LoraBank bank = zeros(parent, c, targets, adapters.size() + 1, rank);
        for (int i = 0; i < adapters.size(); i++) {
            if (adapters.get(i) != null) {
                bank.write(i + 1, adapters.get(i));
            }
        }
        return bank;
    }

    /**
     * A bank for one batch, stacked on the device from resident adapters: slot 0 is zero ("no adapter"), slot i+1
     * holds {@code adapters.get(i)}, zero-padded to the largest rank among them. Device-to-device copies only.
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
                NDList as = new NDList();
                NDList bs = new NDList();
                as.add(m.zeros(bank.shapeA(key).slice(1)));
                bs.add(m.zeros(bank.shapeB(key).slice(1)));
                for (DeviceAdapter r : adapters) {
                    as.add(padRank(m, r.a().get(key), bank.shapeA(key).slice(1), -1, rank));
                    bs.add(padRank(m, r.b().get(key), bank.shapeB(key).slice(1), -2, rank));
                }
                bank.a.put(key, NDArrays.stack(as));
                bank.b.put(key, NDArrays.stack(bs));
            }
        }
        float[] scales = new float[adapters.size() + 1];
        for (int i = 0; i < adapters.size(); i++) {
            scales[i + 1] = adapters.get(i).scale();
        }
        System.arraycopy(scales, 0, bank.hostScale, 0, scales.length);
        bank.scale = m.create(scales);
        return bank;
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
        long[] padShape = full.getShape();
        padShape[ax] = rank - have;
        NDArray padded = factor.concat(m.zeros(new Shape(padShape)), ax);
        padded.attach(m); // it was created in the adapter's manager, which outlives this bank
        return padded;
    }

    private Shape shapeA(LoraKey key) {
        return key.expert() ? new Shape(capacity, config.numExperts(), key.inDim(config), rank)
                : new Shape(capacity, key.inDim(config), rank);
    }

    private Shape shapeB(LoraKey key) {
        return key.expert() ? new Shape(capacity, config.numExperts(), rank, key.outDim(config))
                : new Shape(capacity, rank, key.outDim(config));
    }

    /** Copies an adapter into {@code slot}, zero-padding its rank to the bank's. Not for a bank under autograd. */
    public void write(int slot, LoraWeights w) {
        checkSlot(slot);
        if (w.rank() > rank) {
            throw new EngineException("adapter rank " + w.rank() + " exceeds this bank's rank " + rank);
        }
        w.checkFits(config);
        try (NDManager tmp = manager.newSubManager()) {
            for (LoraKey key : a.keySet()) {
                float[] fa = w.a().get(key);
                float[] fb = w.b().get(key);
                int e = key.experts(config);
                float[] pa = fa == null ? new float[e * key.inDim(config) * rank]
                        : padColumns(fa, e * key.inDim(config), w.rank(), rank);
                float[] pb = fb == null ? new float[e * rank * key.outDim(config)]
                        : padRows(fb, e, w.rank(), rank, key.outDim(config));
                a.get(key).set(new NDIndex("{}", slot), tmp.create(pa, shapeA(key).slice(1)));
                b.get(key).set(new NDIndex("{}", slot), tmp.create(pb, shapeB(key).slice(1)));
            }
            hostScale[slot] = w.scale();
            scale.set(new NDIndex("{}", slot), tmp.create(w.scale()));
        }
    }

    /** Zeroes {@code slot} so that rows pointing at it use the base alone. */
    public void clear(int slot) {
        checkSlot(slot);
        for (LoraKey key : a.keySet()) {
            a.get(key).set(new NDIndex("{}", slot), 0f);
            b.get(key).set(new NDIndex("{}", slot), 0f);
        }
        hostScale[slot] = 0f;
        scale.set(new NDIndex("{}", slot), 0f);
    }

    /** Reads {@code slot} back into Java memory at the bank's rank (e.g. to save a trained adapter). */
    public LoraWeights read(int slot, float alpha) {
        checkSlot(slot);
        Map<LoraKey, float[]> ha = new LinkedHashMap<>();
        Map<LoraKey, float[]> hb = new LinkedHashMap<>();
        for (LoraKey key : a.keySet()) {
            try (NDArray sa = a.get(key).get(new NDIndex("{}", slot)); NDArray sb = b.get(key).get(
                    new NDIndex("{}", slot))) {
                ha.put(key, sa.toFloatArray());
                hb.put(key, sb.toFloatArray());
            }
        }
        return new LoraWeights(rank, alpha, false, targets, ha, hb);
    }

    /** Marks every A and B stack trainable (or not); the trainer collects their gradients. */
    public void setRequiresGradient(boolean requires) {
        a.values().forEach(x -> x.setRequiresGradient(requires));
        b.values().forEach(x -> x.setRequiresGradient(requires));
    }

    /** The trainable arrays by a stable name ({@code layer.proj.A} / {@code .B}), A before B per key. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (LoraKey key : a.keySet()) {
            String base = key.layer() + "." + key.projection().peftName() + (key.expert() ? ".experts" : "");
            out.put(base + ".A", a.get(key));
            out.put(base + ".B", b.get(key));
        }
        return out;
    }

    /**
     * Binds the bank to one batch: {@code rowSlots} [B] int64 names each row's slot. Gathered factors are attached
     * to {@code rowSlots}' manager, so they die with the batch.
     */
    public LoraDelta bind(NDArray rowSlots) {
        NDManager batch = rowSlots.getManager();
        long rows = rowSlots.getShape().get(0);
        NDArray rowScale = gather(scale, rowSlots, batch); // [B]
        // gathered per key once per binding: a generation binds once and reuses them at every decoding step
        Map<LoraKey, NDArray[]> gathered = new java.util.HashMap<>();
        java.util.function.Function<LoraKey, NDArray[]> rowFactors = key -> gathered.computeIfAbsent(key,
                k -> new NDArray[] {gather(a.get(k), rowSlots, batch), gather(b.get(k), rowSlots, batch)});
        return new LoraDelta() {
            @Override
            public NDArray delta(int layer, Projection p, NDArray x) {
                LoraKey key = new LoraKey(layer, p, false);
                if (!a.containsKey(key)) {
                    return null;
                }
                NDArray[] g = rowFactors.apply(key);
                NDArray ga = g[0]; // [B, in, R]
                NDArray gb = g[1]; // [B, R, out]
                NDArray h = x.matMul(ga).mul(rowScale.reshape(rows, 1, 1)); // [B, T, R]
                return h.matMul(gb); // [B, T, out]
            }

            @Override
            public NDArray expertDelta(int layer, Projection p, NDArray x) {
                LoraKey key = new LoraKey(layer, p, true);
                if (!a.containsKey(key)) {
                    return null;
                }
                NDArray[] g = rowFactors.apply(key);
                NDArray ga = g[0]; // [B, E, in, R]
                NDArray gb = g[1]; // [B, E, R, out]
                NDArray h = x.matMul(ga).mul(rowScale.reshape(rows, 1, 1, 1)); // [B, E, T, R]
                return h.matMul(gb); // [B, E, T, out]
            }

            @Override
            public boolean hasExpertRowsDelta() {
                return true;
            }

            @Override
            public NDArray expertRowsDelta(int layer, Projection p, NDArray x, NDArray rowOf, NDArray expertOf) {
                LoraKey key = new LoraKey(layer, p, true);
                if (!a.containsKey(key)) {
                    return null;
                }
                NDArray slot = rowSlots.get(new NDIndex("{}", rowOf));                   // [M]
                NDArray ga = a.get(key).get(new NDIndex("{}, {}", slot, expertOf));     // [M, in, R]
                NDArray gb = b.get(key).get(new NDIndex("{}, {}", slot, expertOf));     // [M, R, out]
                ga.attach(batch);
                gb.attach(batch);
                NDArray h = x.expandDims(1).matMul(ga).mul(rowScale.get(new NDIndex("{}", rowOf))
                        .reshape(-1, 1, 1));                                            // [M, 1, R]
                return h.matMul(gb).squeeze(1);                                         // [M, out]
            }
        };
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

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new EngineException("slot " + slot + " is outside this bank's 0.." + (capacity - 1));
        }
    }

    /** [rows, r] to [rows, R] with zero columns. */
    static float[] padColumns(float[] src, int rows, int r, int pad) {
        if (r == pad) {
            return src;
        }
        float[] out = new float[rows * pad];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, i * r, out, i * pad, r);
        }
        return out;
    }

    /** [E, r, out] to [E, R, out] with zero rows. */
    static float[] padRows(float[] src, int experts, int r, int pad, int out) {
        if (r == pad) {
            return src;
        }
        float[] dst = new float[experts * pad * out];
        for (int e = 0; e < experts; e++) {
            System.arraycopy(src, e * r * out, dst, e * pad * out, r * out);
        }
        return dst;
    }

    @Override
    public void close() {
        manager.close();
    }
}
