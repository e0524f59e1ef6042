package ai.mint.training.reward;

/**
 * Rewards a completion for being close to a target length: 1 at the target, falling linearly to 0 at a distance of
 * {@code target} (so it is a dense signal, not a 0/1 hit). Length counts tokens, characters or whitespace-separated
 * words.
 */
public record LengthTargetReward(int target, Unit unit) implements RewardFunction {

    /** What the length counts. */
    public enum Unit { TOKENS, CHARS, WORDS }

    public LengthTargetReward {
        if (target <= 0) {
            throw new IllegalArgumentException("length target must be > 0, got " + target);
        }
    }

    @Override
    public double score(RewardInput input) {
        int length = switch (unit) {
            case TOKENS -> input.completionTokens();
            case CHARS -> input.completion().length();
            case WORDS -> input.completion().isBlank() ? 0 : input.completion().trim().split("\\s+").length;
        };
        return Math.max(0.0, 1.0 - Math.abs(length - target) / (double) target);
    }

    @Override
    public String describe() {
        return "length_target(" + target + " " + unit.name().toLowerCase() + ")";
    }
}
