package ai.mint.engine;

import java.util.Set;

/**
 * How to pick tokens: {@code temperature} 0 is greedy, otherwise softmax(logits / temperature) restricted to the
 * smallest set of tokens whose probability reaches {@code topP}; {@code seed} makes the draw repeatable; generation
 * stops at any of {@code stopTokens} (which is kept in the output) or after {@code maxTokens}.
 */
public record GenerationParams(int maxTokens, double temperature, double topP, long seed, Set<Integer> stopTokens) {

    public GenerationParams {
        if (maxTokens < 1) {
            throw new EngineException("maxTokens must be at least 1, got " + maxTokens);
        }
        if (temperature < 0 || !(topP > 0 && topP <= 1)) {
            throw new EngineException("temperature must be >= 0 and topP in (0, 1], got " + temperature + ", " + topP);
        }
        stopTokens = Set.copyOf(stopTokens);
    }

    public static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(maxTokens, 0, 1, 0, Set.of());
    }
}
