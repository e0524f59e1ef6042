package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;

/**
 * The per-token tensors a loss reads, all shaped {@code [rows, tokens]} and aligned on the target tokens.
 *
 * @param logprobs         log-probs of the target tokens under the policy being trained (carries gradients)
 * @param weights          per-token weights; 0 masks a token out (prompt tokens, padding, failed samples)
 * @param samplingLogprobs log-probs the tokens were sampled with (the rollout revision); null for cross_entropy
 * @param advantages       per-token advantages (GRPO repeats each sample's advantage over its tokens); null for
 *                         cross_entropy
 * @param baseLogprobs     log-probs under the base with the adapter disabled, for the KL penalty; null when off
 */
record TokenLossInputs(NDArray logprobs, NDArray weights, NDArray samplingLogprobs, NDArray advantages,
                              NDArray baseLogprobs) {
}
