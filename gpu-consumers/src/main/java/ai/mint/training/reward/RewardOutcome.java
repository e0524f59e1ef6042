package ai.mint.training.reward;

/**
 * The reward of one sample, or why it has none. A failed sample is left out of its group's advantage statistics and
 * out of the loss; it never contributes a number.
 */
public record RewardOutcome(double value, String failureReason) {

    public static RewardOutcome ok(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("reward must be finite, got " + value);
        }
        return new RewardOutcome(value, null);
    }

    public static RewardOutcome failed(String reason) {
        return new RewardOutcome(Double.NaN, reason);
    }

    public boolean failed() {
        return failureReason != null;
    }

    @Override
    public String toString() {
        return failed() ? "failed(" + failureReason + ")" : Double.toString(value);
    }
}
