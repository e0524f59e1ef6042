package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.model.Projection;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every row's own LoRA factors, gathered for a batch: per {@link LoraKey} an A of [B, in, R] and a B of [B, R, out]
 * (per-expert keys [B, E, in, R] / [B, E, R, out]) and a scale per row [B], all at one rank R (lower ranks
 * zero-padded, which is exact) in one manager. A key no row adapts is absent; a row without an adapter has zero
 * factors and scale 0. {@link LoraBank#bind} makes one; continuous batching then drops rows that finished
 * ({@link #keepRows}) and appends rows that joined ({@link #join}) without gathering the others again.
 */
public final class RowFactors implements LoraDelta {

    private final NDManager manager;
    private final Map<LoraKey, NDArray[]> factors = new LinkedHashMap<>();
    private NDArray scale; // [B]
    private NDArray scaleRows;    // [B, 1, 1], made once per change of rows: a reshape per step would pile up
    private NDArray scaleExperts; // [B, 1, 1, 1]
    private int rank;

    RowFactors(NDManager manager, Map<LoraKey, NDArray[]> factors, NDArray scale, int rank) {
        this.manager = manager;
        this.factors.putAll(factors);
        this.scale = scale;
        this.rank = rank;
    }

    /** No rows yet, in {@code manager}: rows come by {@link #join}. */
    public static RowFactors empty(NDManager manager) {
        return new RowFactors(manager, Map.of(), null, 1);
    }

    /** {@code rows} rows without any adapter (scale 0), in {@code manager}. */
    public static RowFactors none(NDManager manager, int rows) {
        return new RowFactors(manager, Map.of(), manager.zeros(new Shape(rows)), 1);
    }

    public long rows() {
        return scale == null ? 0 : scale.getShape().get(0);
    }

    /** Whether no row has any factor (the forward can skip LoRA altogether). */
    public boolean isEmpty() {
        return factors.isEmpty();
    }

    public int rank() {
        return rank;
    }

    @Override
    public NDArray delta(int layer, Projection p, NDArray x) {
        NDArray[] f = factors.get(new LoraKey(layer, p, false));
        if (f == null) {
            return null;
        }
        if (scaleRows == null) {
            scaleRows = scale.reshape(rows(), 1, 1);
        }
        NDArray h = x.matMul(f[0]).mul(scaleRows); // [B, T, in] x [B, in, R] -> [B, T, R]
        return h.matMul(f[1]); // [B, T, out]
    }

    @Override
    public NDArray expertDelta(int layer, Projection p, NDArray x) {
        NDArray[] f = factors.get(new LoraKey(layer, p, true));
        if (f == null) {
            return null;
        }
        if (scaleExperts == null) {
            scaleExperts = scale.reshape(rows(), 1, 1, 1);
        }
        NDArray h = x.matMul(f[0]).mul(scaleExperts); // [B, E, T, R]
        return h.matMul(f[1]); // [B, E, T, out]
    }

    @Override
    public boolean hasExpertRowsDelta() {
        return true;
    }

    @Override
    public NDArray expertRowsDelta(int layer, Projection p, NDArray x, NDArray rowOf, NDArray expertOf) {
        NDArray[] f = factors.get(new LoraKey(layer, p, true));
        if (f == null) {
            return null;
        }
        // gathered per step into the step's manager (x's), not this one's, so that nothing piles up across steps
        NDManager step = x.getManager();
        NDArray ga = f[0].get(new NDIndex("{}, {}", rowOf, expertOf));      // [M, in, R]
        NDArray gb = f[1].get(new NDIndex("{}, {}", rowOf, expertOf));      // [M, R, out]
        NDArray rowScale = scale.get(new NDIndex("{}", rowOf));           // [M]
        ga.attach(step);
        gb.attach(step);
        rowScale.attach(step);
        NDArray h = x.expandDims(1).matMul(ga).mul(rowScale.reshape(-1, 1, 1)); // [M, 1, R]
        return h.matMul(gb).squeeze(1);                                          // [M, out]
    }

    /** Keeps only {@code rows}, in that order; with none kept it is empty again. */
    public void keepRows(long[] rows) {
        if (scale == null) {
            return;
        }
        if (rows.length == 0) {
            clear();
            return;
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray index = scratch.create(rows);
            for (NDArray[] f : factors.values()) {
                f[0] = replace(f[0], f[0].get(new NDIndex("{}", index)));
                f[1] = replace(f[1], f[1].get(new NDIndex("{}", index)));
            }
            setScale(scale.get(new NDIndex("{}", index)));
        }
    }

    /** A new per-row scale (attached here); the old one and its reshaped views go. */
    private void setScale(NDArray fresh) {
        if (fresh != null) {
            fresh.attach(manager);
        }
        for (NDArray old : new NDArray[] {scale, scaleRows, scaleExperts}) {
            if (old != null) {
                old.close();
            }
        }
        scale = fresh;
        scaleRows = null;
        scaleExperts = null;
    }

    /**
     * Appends {@code other}'s rows below these, at the larger of the two ranks and over the union of their keys
     * (zeros where a side has no factor). {@code other} is left as it was.
     */
    public void join(RowFactors other) {
        if (other.scale == null) {
            return;
        }
        long mine = rows();
        int r = Math.max(rank, other.rank);
        Set<LoraKey> keys = new HashSet<>(factors.keySet());
        keys.addAll(other.factors.keySet());
        try (NDManager scratch = manager.newSubManager()) {
            for (LoraKey key : keys) {
                NDArray[] top = factors.get(key);
                NDArray[] bottom = other.factors.get(key);
                NDArray[] like = top != null ? top : bottom;
                NDArray[] joined = new NDArray[2];
                for (int i = 0; i < 2; i++) {
                    int rankAxis = i == 0 ? -1 : -2; // A [.., in, R], B [.., R, out]
                    NDArray a = top == null ? zeros(scratch, like[i], mine, rankAxis, r)
                            : padRank(scratch, top[i], rankAxis, r);
                    NDArray b = bottom == null ? zeros(scratch, like[i], other.rows(), rankAxis, r)
                            : padRank(scratch, bottom[i], rankAxis, r);
                    joined[i] = mine == 0 ? b.duplicate() : a.concat(b, 0);
                    joined[i].attach(manager);
                }
                if (top != null) {
                    top[0].close();
                    top[1].close();
                }
                factors.put(key, joined);
            }
            setScale(scale == null ? other.scale.duplicate() : scale.concat(other.scale, 0));
            rank = r;
        }
    }

    /** {@code x} with its rank axis zero-padded to {@code r}. */
    private static NDArray padRank(NDManager scratch, NDArray x, int axis, int r) {
        Shape s = x.getShape();
        int ax = axis < 0 ? s.dimension() + axis : axis;
        if (s.get(ax) == r) {
            return x;
        }
        long[] pad = s.getShape().clone(); // getShape() is the shape's own array
        pad[ax] = r - s.get(ax);
        NDArray padded = x.concat(scratch.zeros(new Shape(pad), x.getDataType(), x.getDevice()), ax);
        padded.attach(scratch);
        return padded;
    }

    /** Zero factors for {@code rows} rows shaped like {@code like} (another side's factor) at rank {@code r}. */
    private static NDArray zeros(NDManager scratch, NDArray like, long rows, int axis, int r) {
        long[] shape = like.getShape().getShape().clone();
        shape[0] = rows;
        shape[shape.length + axis] = r;
        return scratch.zeros(new Shape(shape), like.getDataType(), like.getDevice());
    }

    private NDArray replace(NDArray old, NDArray fresh) {
        fresh.attach(manager);
        old.close();
        return fresh;
    }

    private void clear() {
        for (NDArray[] f : factors.values()) {
            f[0].close();
            f[1].close();
        }
        factors.clear();
        setScale(null);
        rank = 1;
    }
}
