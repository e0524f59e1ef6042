package ai.mint.engine;

import java.util.Map;

/**
 * One policy's outcome of a forward/backward: its token-mean loss, metrics ({@code tokens}, {@code kl} when the base
 * log-probs were computed) and the log-prob of each datum's target tokens before the update.
 */
public record PolicyStepResult(String policyId, double loss, Map<String, Double> metrics, float[][] logprobs) {
}
