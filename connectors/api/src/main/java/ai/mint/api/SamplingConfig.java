package ai.mint.api;

import java.util.List;

/**
 * How to sample, as in Tinker's {@code SamplingParams}: at most {@code maxTokens} new tokens at {@code temperature}
 * (0: greedy); {@code seed} makes the draw reproducible (null lets the sampler pick one); a completion ends at the
 * base's end-of-sequence token or once its text contains one of the {@code stop} strings (kept in the completion).
 */
public record SamplingConfig(int maxTokens, double temperature, Long seed, List<String> stop) {

    public SamplingConfig {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be > 0, got " + maxTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0 (0: greedy), got " + temperature);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a stop string must not be empty");
        }
    }

    /** No stop strings. */
    public SamplingConfig(int maxTokens, double temperature, Long seed) {
        this(maxTokens, temperature, seed, List.of());
    }

    public SamplingConfig withStop(List<String> strings) {
        return new SamplingConfig(maxTokens, temperature, seed, strings);
    }
}
