package ai.mint.training.reward;

import java.util.Locale;

/** 1 when the completion contains the given text, else 0. */
public record ContainsReward(String text, boolean ignoreCase) implements RewardFunction {

    public ContainsReward {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("contains needs a non-empty text");
        }
    }

    @Override
    public double score(RewardInput input) {
        if (ignoreCase) {
            return input.completion().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)) ? 1.0 : 0.0;
        }
        return input.completion().contains(text) ? 1.0 : 0.0;
    }

    @Override
    public String describe() {
        return "contains(\"" + text + "\"" + (ignoreCase ? ", ignore_case" : "") + ")";
    }
}
