package ai.mint.engine;

/**
 * The generated tokens of one request, the log-probability of each under the model (temperature 1, before top-p:
 * the policy's own log-prob, which training needs), and why generation ended ({@code "stop"} or {@code "length"}).
 */
public record GenerationResult(int[] tokens, float[] logProbs, String finishReason) {
}
