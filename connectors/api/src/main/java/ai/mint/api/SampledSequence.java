package ai.mint.api;

/**
 * One sampled completion: its token ids, the log-prob of each under the sampling revision, why it stopped
 * ({@code stop}: an end token or stop string; {@code length}: max tokens) and its text (null where it was not
 * decoded).
 */
public record SampledSequence(int[] tokens, float[] logprobs, String stopReason, String text) {

    /** A completion without its text. */
    public SampledSequence(int[] tokens, float[] logprobs, String stopReason) {
        this(tokens, logprobs, stopReason, null);
    }
}
