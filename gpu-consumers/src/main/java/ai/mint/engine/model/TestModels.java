package ai.mint.engine.model;

import ai.djl.Device;
import ai.mint.engine.safetensors.DType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/**
 * Very small base models for tests in any module (kept in main so that training and worker tests can use them): a
 * few tens of thousands of parameters, Qwen2, Qwen2-MoE or DeepSeek-V3 layout, written to a directory and loaded
 * like any other.
 */
public final class TestModels {

    private TestModels() {
    }

    /** 2 layers, hidden 32, 4 query / 2 key-value heads, q/k/v bias, untied head. */
    public static ModelConfig microDense() {
        return ModelPreset.micro();
    }

    /** Like {@link #microDense()} with 4 experts, top-2, and a shared expert. */
    public static ModelConfig microMoe() {
        int v = ByteLevelTokenizerFile.VOCAB_SIZE;
        int eot = ByteLevelTokenizerFile.END_OF_TEXT;
        return new ModelConfig("qwen2_moe", v, 32, 64, 2, 4, 2, 8, 1e-6, 10000.0, 512, false, true, 4, 2, 24, 40,
                false, eot, eot);
    }

    /**
     * A DeepSeek-V3 of hidden 32: latent attention (q latent 16, kv latent 16, nope/rope/value heads 8), one dense
     * layer then two MoE layers of 8 experts top-2 in 4 groups of which 2 are searched, one shared expert, no rope
     * scaling.
     */
    public static ModelConfig microDeepseek() {
        ObjectNode j = ModelPreset.TINY.config(Architecture.DEEPSEEK_V3).toJson();
        j.put("hidden_size", 32).put("intermediate_size", 64).put("num_hidden_layers", 3);
        j.put("num_attention_heads", 4).put("num_key_value_heads", 4);
        j.put("q_lora_rank", 16).put("kv_lora_rank", 16).put("qk_nope_head_dim", 8).put("qk_rope_head_dim", 8)
                .put("v_head_dim", 8);
        j.put("n_routed_experts", 8).put("num_experts_per_tok", 2).put("n_group", 4).put("topk_group", 2)
                .put("moe_intermediate_size", 16).put("max_position_embeddings", 512);
        j.remove("rope_scaling");
        return ModelConfig.fromJson(j);
    }

    /** {@link #microDeepseek()} as DeepSeek-V3.2: a lightning indexer of 8 heads of 12 keeping each query's top 3. */
    public static ModelConfig microDeepseekSparse() {
        ObjectNode j = microDeepseek().toJson();
        j.put("model_type", "deepseek_v32").put("index_n_heads", 8).put("index_head_dim", 12).put("index_topk", 3);
        return ModelConfig.fromJson(j);
    }

    /** Writes {@code config} with seeded weights into {@code dir} and loads it on the CPU. */
    public static DecoderModel create(Path dir, ModelConfig config, long seed) {
        BaseModelInitializer.write(dir, config, seed, DType.F32);
        return HfModelLoader.load(dir, Device.cpu());
    }
}
