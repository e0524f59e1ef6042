package ai.mint.training.reward;

import java.util.Objects;

/**
 * What a reward function sees of one sampled completion: the prompt, the completion text, how many tokens the
 * completion has, and the prompt's reference answer when the dataset supplies one (null otherwise).
 */
public record RewardInput(String prompt, String completion, int completionTokens, String reference) {

    public RewardInput {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        if (completionTokens < 0) {
            throw new IllegalArgumentException("completionTokens must be >= 0, got " + completionTokens);
        }
    }

    public static RewardInput of(String prompt, String completion, int completionTokens) {
        return new RewardInput(prompt, completion, completionTokens, null);
    }
}
