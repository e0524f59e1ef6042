package ai.mint.api;

/**
 * How to sample, as in Tinker's {@code SamplingConfig}: at most {@code maxTokens} new tokens at {@code temperature};
 * {@code seed} makes the draw reproducible (null lets the sampler pick one).
 */
public record SamplingConfig(int maxTokens, double temperature, Long seed) {

    public SamplingConfig {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be > 0, got " + maxTokens);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
        }
    }
}
