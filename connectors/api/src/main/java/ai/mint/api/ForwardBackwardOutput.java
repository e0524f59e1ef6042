package ai.mint.api;

import java.util.Map;

/**
 * What a {@code forwardBackward} call returns: the policy's loss on the batch (token-mean), scalar metrics (tokens,
 * KL to the base when computed, ...) and the log-prob of every target token under the weights before the update.
 */
public record ForwardBackwardOutput(double loss, Map<String, Double> metrics, float[][] logprobs) {
}
