package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in Hugging Face's "rotate half" form: cos/sin tables [P, D] built once in Java (in the
 * base manager), looked up per token position, so left-padded rows can start their positions at zero.
 */
public final class RotaryEmbedding {

    private final NDArray cos; // [P, D]
    private final NDArray sin; // [P, D]
    private final int half;
    private final int maxPositions;

    public RotaryEmbedding(NDManager manager, int headDim, double theta, int maxPositions) {
        this(manager, headDim, RopeScaling.NONE.inverseFrequencies(headDim, theta), maxPositions);
    }

    /** Tables for explicit inverse frequencies [headDim / 2] (e.g. from {@link RopeScaling}). */
    public RotaryEmbedding(NDManager manager, int headDim, double[] inverseFrequencies, int maxPositions) {
        this(manager, headDim, inverseFrequencies, maxPositions, 1.0);
    }

    /**
     * Tables whose cos and sin are multiplied by {@code amplitude} (YaRN's attention factor, applied to queries and
     * keys alike as transformers does), so rotated vectors are {@code amplitude} times longer.
     */
    public RotaryEmbedding(NDManager manager, int headDim, double[] inverseFrequencies, int maxPositions,
                           double amplitude) {
        this.half = headDim / 2;
        this.maxPositions = maxPositions;
        if (inverseFrequencies.length != half) {
            throw new IllegalArgumentException("need " + half + " inverse frequencies, got "
                    + inverseFrequencies.length);
        }
        float[] c = new float[maxPositions * headDim];
        float[] s = new float[maxPositions * headDim];
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int i = 0; i < half; i++) {
                // same float32 arithmetic as transformers: inv_freq in float32, times the position
                float invFreq = (float) inverseFrequencies[i];
                float angle = pos * invFreq;
                float cv = (float) (Math.cos(angle) * amplitude);
                float sv = (float) (Math.sin(angle) * amplitude);
                c[pos * headDim + i] = cv;
                c[pos * headDim + i + half] = cv;
                s[pos * headDim + i] = sv;
                s[pos * headDim + i + half] = sv;
            }
        }
        this.cos = manager.create(c, new Shape(maxPositions, headDim));
        this.sin = manager.create(s, new Shape(maxPositions, headDim));
    }

    /** Positions 0 .. maxPositions-1 have a table row; a position beyond that cannot be encoded. */
    public int maxPositions() {
        return maxPositions;
    }

    /** Tables for one batch: cos and sin, each [B, 1, T, D], attached to the positions' manager. */
    public NDList lookup(NDArray positions) {
        long b = positions.getShape().get(0);
        long t = positions.getShape().get(1);
        NDArray flat = positions.reshape(-1);
        NDArray c = cos.get(new NDIndex("{}", flat));
        NDArray s = sin.get(new NDIndex("{}", flat));
        c.attach(positions.getManager());
        s.attach(positions.getManager());
        return new NDList(c.reshape(b, 1, t, -1), s.reshape(b, 1, t, -1));
    }

    /** Rotates {@code x} [B, heads, T, D] with tables from {@link #lookup}. */
    public NDArray apply(NDArray x, NDList tables) {
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        NDArray rotated = x2.neg().concat(x1, -1);
        return x.mul(tables.get(0)).add(rotated.mul(tables.get(1)));
    }
}
