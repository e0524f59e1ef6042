package ai.mint.engine.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sizes of the base models {@code mint base init} makes: {@code tiny} (about 1M parameters) for tests and
 * {@code small} (50-100M) for benchmarks, in each {@link Architecture}. The DeepSeek ones keep the real model's
 * proportions at toy scale: latent attention with a q latent, YaRN with mscale, one dense layer, then E/k = 4 (tiny)
 * or 64 experts top-8 in 8 groups of which 4 are searched (small, like DeepSeek-V3's 256 top-8), one shared expert.
 */
public enum ModelPreset {
    TINY, SMALL;

    /**
     * The micro dense model of the tests and the fault suite: 2 layers, hidden 32, 4 query / 2 key-value heads, q/k/v
     * bias, untied head.
     */
    public static ModelConfig micro() {
        int eot = ByteLevelTokenizerFile.END_OF_TEXT;
        return new ModelConfig("qwen2", ByteLevelTokenizerFile.VOCAB_SIZE, 32, 64, 2, 4, 2, 8, 1e-6, 10000.0, 512,
                false, true, 0, 0, 0, 0, false, eot, eot);
    }

    public ModelConfig config(boolean moe) {
        return config(moe ? Architecture.QWEN2_MOE : Architecture.QWEN2);
    }

    public ModelConfig config(Architecture arch) {
        int vocab = ByteLevelTokenizerFile.VOCAB_SIZE;
        int eot = ByteLevelTokenizerFile.END_OF_TEXT;
        boolean tiny = this == TINY;
        return switch (arch) {
            case QWEN2 -> tiny
                    ? new ModelConfig("qwen2", vocab, 128, 384, 4, 4, 2, 32, 1e-6, 10000.0, 2048, false, true,
                    0, 0, 0, 0, false, eot, eot)
                    : new ModelConfig("qwen2", vocab, 768, 2048, 10, 12, 4, 64, 1e-6, 1000000.0, 4096, false, true,
                    0, 0, 0, 0, false, eot, eot);
            case QWEN2_MOE -> tiny
                    ? new ModelConfig("qwen2_moe", vocab, 128, 384, 4, 4, 2, 32, 1e-6, 10000.0, 2048, false, true,
                    4, 2, 128, 192, false, eot, eot)
                    : new ModelConfig("qwen2_moe", vocab, 512, 1408, 8, 8, 4, 64, 1e-6, 1000000.0, 4096, false, true,
                    8, 2, 512, 1024, false, eot, eot);
            case DEEPSEEK_V3, DEEPSEEK_V32 -> ModelConfig.fromJson(deepseek(arch == Architecture.DEEPSEEK_V32));
        };
    }

    /** config.json of a DeepSeek preset, in transformers' key names. */
    private ObjectNode deepseek(boolean dsa) {
        boolean tiny = this == TINY;
        ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        n.put("model_type", dsa ? "deepseek_v32" : "deepseek_v3");
        n.put("vocab_size", ByteLevelTokenizerFile.VOCAB_SIZE);
        n.put("hidden_size", tiny ? 128 : 512);
        n.put("intermediate_size", tiny ? 256 : 1408);
        n.put("num_hidden_layers", tiny ? 3 : 6);
        n.put("num_attention_heads", tiny ? 4 : 8);
        n.put("num_key_value_heads", tiny ? 4 : 8);
        n.put("q_lora_rank", tiny ? 64 : 192);
        n.put("kv_lora_rank", tiny ? 32 : 128);
        n.put("qk_nope_head_dim", tiny ? 32 : 64);
        n.put("qk_rope_head_dim", tiny ? 16 : 32);
        n.put("v_head_dim", tiny ? 32 : 64);
        n.put("n_routed_experts", tiny ? 16 : 64);
        n.put("num_experts_per_tok", tiny ? 4 : 8);
        n.put("n_group", tiny ? 4 : 8);
        n.put("topk_group", tiny ? 2 : 4);
        n.put("n_shared_experts", 1);
        n.put("moe_intermediate_size", tiny ? 64 : 192);
        n.put("first_k_dense_replace", 1);
        n.put("routed_scaling_factor", 2.5);
        n.put("norm_topk_prob", true);
        n.put("rms_norm_eps", 1e-6);
        n.put("rope_theta", 10000.0);
        n.put("max_position_embeddings", tiny ? 2048 : 4096);
        n.putObject("rope_scaling").put("type", "yarn").put("factor", 4.0).put("mscale", 1.0)
                .put("mscale_all_dim", 1.0).put("beta_fast", 32).put("beta_slow", 1)
                .put("original_max_position_embeddings", tiny ? 512 : 1024);
        if (dsa) {
            n.put("index_n_heads", tiny ? 4 : 8);
            n.put("index_head_dim", tiny ? 32 : 64);
            n.put("index_topk", tiny ? 16 : 64);
        }
        n.put("bos_token_id", ByteLevelTokenizerFile.END_OF_TEXT);
        n.put("eos_token_id", ByteLevelTokenizerFile.END_OF_TEXT);
        return n;
    }
}
