package ai.mint.training.rollout;

/**
 * One sampled completion: which policy revision produced it, for which prompt (and sample within its group), the
 * completion's token ids, the log-prob of each under that revision, its decoded text and why sampling stopped.
 */
public record RolloutSample(String policyId, long revision, int promptIndex, int sampleIndex, int[] promptTokens,
                         int[] completion, float[] logprobs, String text, String finishReason) {
}
