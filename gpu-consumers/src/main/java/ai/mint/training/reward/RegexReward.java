package ai.mint.training.reward;

import java.util.regex.Pattern;

/** 1 when the completion matches the pattern (anywhere, or as a whole with {@code full_match}), else 0. */
public record RegexReward(Pattern pattern, boolean fullMatch) implements RewardFunction {

    @Override
    public double score(RewardInput input) {
        var matcher = pattern.matcher(input.completion());
        return (fullMatch ? matcher.matches() : matcher.find()) ? 1.0 : 0.0;
    }

    @Override
    public String describe() {
        return "regex(/" + pattern.pattern() + "/" + (fullMatch ? ", full_match" : "") + ")";
    }
}
