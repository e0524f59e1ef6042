package ai.mint.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a new LoRA policy: rank, alpha (scaling = alpha / rank), the projections it adapts (PEFT names such as
 * {@code q_proj}) and the seed of its initialisation. {@link #of(int, long, boolean, boolean, boolean)} builds it
 * from Tinker's switches (train_mlp, train_attn, train_unembed).
 */
public record LoraConfig(int rank, double alpha, List<String> targetModules, long seed) {

    /** The attention projections (train_attn). */
    public static final List<String> ATTENTION_MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj");
    /** The MLP projections (train_mlp); in MoE layers every expert's. */
    public static final List<String> MLP_MODULES = List.of("gate_proj", "up_proj", "down_proj");

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
        return new LoraConfig(rank, 2.0 * rank, ATTENTION_MODULES, seed);
    }

    /**
     * Tinker's {@code create_lora_training_client(rank, seed, train_mlp, train_attn, train_unembed)}: alpha = 2 x
     * rank over the attention and/or MLP projections. A LoRA on the unembedding ({@code lm_head}) is not implemented
     * by this engine, so {@code trainUnembed} true is refused, saying so; at least one of the others must be true.
     */
    public static LoraConfig of(int rank, long seed, boolean trainMlp, boolean trainAttn, boolean trainUnembed) {
        if (trainUnembed) {
            throw new IllegalArgumentException("train_unembed (a LoRA on lm_head) is not supported: this engine adapts "
                    + "only the attention and MLP projections; pass trainUnembed = false");
        }
        List<String> targets = new ArrayList<>();
        if (trainAttn) {
            targets.addAll(ATTENTION_MODULES);
        }
        if (trainMlp) {
            targets.addAll(MLP_MODULES);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("train_mlp and train_attn are both false: the LoRA would adapt nothing");
        }
        return new LoraConfig(rank, 2.0 * rank, targets, seed);
    }

    /** Whether the adapter covers every attention projection (Tinker's train_attn). */
    public boolean trainsAttention() {
        return targetModules.containsAll(ATTENTION_MODULES);
    }

    /** Whether the adapter covers every MLP projection (Tinker's train_mlp). */
    public boolean trainsMlp() {
        return targetModules.containsAll(MLP_MODULES);
    }
}
