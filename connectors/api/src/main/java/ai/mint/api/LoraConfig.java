package ai.mint.api;

import java.util.List;

/**
 * The shape of a new LoRA policy: rank, alpha (scaling = alpha / rank), the projections it adapts (PEFT names such as
 * {@code q_proj}) and the seed of its initialisation.
 */
public record LoraConfig(int rank, double alpha, List<String> targetModules, long seed) {

    public LoraConfig {
        if (rank <= 0) {
            throw new IllegalArgumentException("LoRA rank must be > 0, got " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        targetModules = List.copyOf(targetModules);
    }

    /** Rank {@code rank}, alpha = 2 x rank, all attention projections. */
    public static LoraConfig of(int rank, long seed) {
        return new LoraConfig(rank, 2.0 * rank, List.of("q_proj", "k_proj", "v_proj", "o_proj"), seed);
    }
}
