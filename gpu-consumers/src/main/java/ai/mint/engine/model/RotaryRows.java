package ai.mint.engine.model;

/**
 * The order of a DeepSeek projection's rotary output rows. With {@code rope_interleave} the checkpoint keeps each
 * rotary pair as rows {@code (2i, 2i + 1)}; the engine holds them as halves {@code (i, i + d/2)}, so that its
 * rotate-half rotation computes DeepSeek's pairwise one. Base weights and LoRA B factors of the same projection are
 * reordered alike (on load, and back on save), which leaves every attention score unchanged.
 */
public final class RotaryRows {

    private final int[] source; // engine row j holds checkpoint row source[j]

    private RotaryRows(int[] source) {
        this.source = source;
    }

    /**
     * The reordering of {@code p}'s output rows on base {@code c}, or null when there is none: not a DeepSeek base,
     * no {@code rope_interleave}, or a projection without rotary outputs. Each of q_b_proj's (or q_proj's) heads ends
     * in its rotary rows; kv_a_proj_with_mqa ends in the shared rotary key.
     */
    public static RotaryRows of(ModelConfig c, Projection p) {
        if (!c.isDeepseek() || !c.deepseek().mla().ropeInterleave()) {
            return null;
        }
        DeepseekSpec.Mla mla = c.deepseek().mla();
        return switch (p) {
            case Q, Q_B -> new RotaryRows(order(c.numHeads(), mla.qkHeadDim(), mla.qkNopeHeadDim(), mla.qkRopeHeadDim()));
            case KV_A -> new RotaryRows(order(1, mla.kvLoraRank() + mla.qkRopeHeadDim(), mla.kvLoraRank(),
                    mla.qkRopeHeadDim()));
            default -> null;
        };
    }

    /** {@code groups} blocks of {@code block} rows whose rows {@code ropeStart ..} hold {@code dr} rotary rows. */
    private static int[] order(int groups, int block, int ropeStart, int dr) {
        int[] source = new int[groups * block];
        for (int j = 0; j < source.length; j++) {
            source[j] = j;
        }
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < dr; j++) {
                int from = j < dr / 2 ? 2 * j : 2 * (j - dr / 2) + 1;
                source[g * block + ropeStart + j] = g * block + ropeStart + from;
            }
        }
        return source;
    }

    /** Checkpoint rows [out, cols] (row-major) in the engine's order. */
    public float[] toEngine(float[] rows, int cols) {
        float[] out = new float[rows.length];
        for (int j = 0; j < source.length; j++) {
            System.arraycopy(rows, source[j] * cols, out, j * cols, cols);
        }
        return out;
    }

    /** Engine rows [out, cols] (row-major) back in the checkpoint's order. */
    public float[] toCheckpoint(float[] rows, int cols) {
        float[] out = new float[rows.length];
        for (int j = 0; j < source.length; j++) {
            System.arraycopy(rows, j * cols, out, source[j] * cols, cols);
        }
        return out;
    }

    /** For each engine row, the checkpoint row it holds (to gather rows on the device). */
    public long[] sourceRows() {
        long[] out = new long[source.length];
        for (int j = 0; j < source.length; j++) {
            out[j] = source[j];
        }
        return out;
    }
}
