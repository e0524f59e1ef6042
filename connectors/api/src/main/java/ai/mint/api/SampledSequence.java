package ai.mint.api;

/** One sampled completion: its token ids, the log-prob of each under the sampling revision, and why it stopped. */
public record SampledSequence(int[] tokens, float[] logprobs, String stopReason) {
}
