package ai.mint.engine.model;

/**
 * How a mixture-of-experts layer runs its experts. Both give the same result to float rounding
 * ({@code SparseMoeTest}); {@code mint bench moe-compute} measures them side by side.
 */
public enum MoeCompute {
    /** {@link #SPARSE} when each token uses at most a quarter of the experts, else {@link #DENSE_MASKED}. */
    AUTO,
    /** Only the chosen experts run: tokens grouped by expert, one matmul per expert with tokens, then summed back. */
    SPARSE,
    /** Every expert runs on every token in three batched matmuls, unchosen ones weighted zero (E/k the work). */
    DENSE_MASKED;

    /** The compute this choice means for {@code c}. */
    public MoeCompute resolve(ModelConfig c) {
        if (this != AUTO) {
            return this;
        }
        return c.numExperts() >= 4 * c.numExpertsPerTok() ? SPARSE : DENSE_MASKED;
    }
}
