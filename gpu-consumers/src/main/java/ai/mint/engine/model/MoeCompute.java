package ai.mint.engine.model;

/**
 * How a mixture-of-experts layer runs its experts. Both give the same result to float rounding
 * ({@code SparseMoeTest}); {@code mint bench moe-compute} measures them side by side.
 */
public enum MoeCompute {
    /**
     * {@link #SPARSE} when each token uses at most a quarter of the experts and one expert's matrices are big enough
     * (hidden x expert width at least 2^16) for a matmul per expert to outweigh its per-op cost; else
     * {@link #DENSE_MASKED}. Measured by {@code mint bench moe-compute} on a CPU: sparse wins 2.1-4.5x in prefill
     * at 64 experts top-8 (512 x 192), about even at the tiny presets' 16 top-4 (128 x 64).
     */
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
        boolean fewChosen = c.numExperts() >= 4 * c.numExpertsPerTok();
        boolean bigExperts = (long) c.hiddenSize() * c.expertIntermediateSize() >= 1 << 16;
        return fewChosen && bigExperts ? SPARSE : DENSE_MASKED;
    }
}
