package ai.mint.training.reward;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 1 when the last number in the completion is within {@code tolerance} of the expected value, else 0 (also 0 when the
 * completion holds no number). The expected value is fixed in the spec or parsed from the prompt's reference answer.
 */
public record NumericAnswerReward(Double expected, double tolerance) implements RewardFunction {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");

    public NumericAnswerReward {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a finite number >= 0, got " + tolerance);
        }
    }

    @Override
    public double score(RewardInput input) {
        double want = expected != null ? expected : parseReference(input);
        Double got = lastNumber(input.completion());
        return got != null && Math.abs(got - want) <= tolerance ? 1.0 : 0.0;
    }

    private static double parseReference(RewardInput input) {
        String ref = ExactMatchReward.requireReference(input, "numeric");
        Double value = lastNumber(ref);
        if (value == null) {
            throw new IllegalStateException("numeric: the reference answer '" + ref + "' holds no number");
        }
        return value;
    }

    /** The last number written in {@code text}, or null when there is none. */
    static Double lastNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        if (last == null) {
            return null;
        }
        try {
            return Double.parseDouble(last);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return "numeric(" + (expected != null ? expected : "reference") + " ± " + tolerance + ")";
    }
}
