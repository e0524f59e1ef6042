package ai.mint.engine;

/**
 * How much of a training step one forward/backward pass may hold at once. A step's rows (from any mix of policies)
 * are packed into micro-batches of at most {@code maxRows} rows and at most {@code maxTokens} padded tokens (rows
 * times the longest row of the micro-batch); each micro-batch's activations are freed before the next one runs, so
 * the peak memory of a K-policy step is that of one micro-batch, not K times a single-policy step. A row longer than
 * {@code maxTokens} still runs, alone.
 *
 * @param maxRows   rows per micro-batch, at least 1
 * @param maxTokens padded tokens per micro-batch, at least 1
 */
public record MicroBatchBudget(int maxRows, long maxTokens) {

    /**
     * 32 rows (one policy's GRPO batch of 4 prompts x 8 samples) and 4096 padded tokens: a K-policy step then peaks
     * no higher than a single-policy step of that size.
     */
    public static final MicroBatchBudget DEFAULT = new MicroBatchBudget(32, 4096);

    /** The whole step in one pass: fastest, but every activation of every policy is alive at once. */
    public static final MicroBatchBudget UNLIMITED = new MicroBatchBudget(Integer.MAX_VALUE, Long.MAX_VALUE);

    public MicroBatchBudget {
        if (maxRows < 1) {
            throw new IllegalArgumentException("micro-batch maxRows must be >= 1, got " + maxRows);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("micro-batch maxTokens must be >= 1, got " + maxTokens);
        }
    }

    /** A budget where 0 means "no limit" for either bound (the form settings and command lines use). */
    public static MicroBatchBudget ofLimits(int maxRows, long maxTokens) {
        if (maxRows < 0 || maxTokens < 0) {
            throw new IllegalArgumentException("micro-batch rows and tokens must be >= 0 (0 = no limit), got "
                    + maxRows + " and " + maxTokens);
        }
        return new MicroBatchBudget(maxRows == 0 ? Integer.MAX_VALUE : maxRows,
                maxTokens == 0 ? Long.MAX_VALUE : maxTokens);
    }

    /** True when a micro-batch of {@code rows} rows padded to {@code width} tokens fits. */
    public boolean fits(int rows, int width) {
        return rows <= maxRows && (long) rows * width <= maxTokens;
    }

    /** E.g. {@code 32 rows / 4096 tokens}, or {@code unlimited}. */
    public String describe() {
        if (this.equals(UNLIMITED)) {
            return "unlimited";
        }
        return (maxRows == Integer.MAX_VALUE ? "any" : Integer.toString(maxRows)) + " rows / "
                + (maxTokens == Long.MAX_VALUE ? "any" : Long.toString(maxTokens)) + " tokens";
    }
}
