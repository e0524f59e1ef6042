package ai.mint.training.reward;

import java.util.Locale;

/**
 * 1 when the trimmed completion equals the expected answer, else 0. The expected answer is fixed in the spec or, when
 * absent, taken from the prompt's reference answer.
 */
public record ExactMatchReward(String expected, boolean ignoreCase) implements RewardFunction {

    @Override
    public double score(RewardInput input) {
        String want = expected != null ? expected : requireReference(input, "exact_match");
        String got = input.completion().trim();
        want = want.trim();
        if (ignoreCase) {
            return got.toLowerCase(Locale.ROOT).equals(want.toLowerCase(Locale.ROOT)) ? 1.0 : 0.0;
        }
        return got.equals(want) ? 1.0 : 0.0;
    }

    static String requireReference(RewardInput input, String type) {
        if (input.reference() == null) {
            throw new IllegalStateException(type + " has no expected answer in its spec and the prompt has no reference");
        }
        return input.reference();
    }

    @Override
    public String describe() {
        return "exact_match(" + (expected != null ? '"' + expected + '"' : "reference") + (ignoreCase ? ", ignore_case" : "") + ")";
    }
}
