package ai.mint.training.rollout;

/** A prompt of a policy's task: its tokens, its text (what rewards see) and an optional reference answer. */
public record Prompt(int[] tokens, String text, String reference) {

    public Prompt {
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException("a prompt needs at least one token");
        }
    }
}
