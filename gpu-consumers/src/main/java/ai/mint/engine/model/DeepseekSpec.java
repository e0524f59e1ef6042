package ai.mint.engine.model;

import ai.mint.engine.EngineException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What a DeepSeek-V3-family config.json adds to a decoder (model types {@code deepseek_v3}, {@code kimi_k2} and
 * {@code deepseek_v32}, key names and defaults as in transformers' DeepseekV3Config / DeepseekV32Config):
 * multi-head latent attention, sigmoid group-limited routing over fine-grained experts with always-on shared
 * experts, dense layers before {@code first_k_dense_replace}, and for V3.2 the lightning indexer of its sparse
 * attention (DSA). The common fields (experts, top-k, widths, norm_topk_prob) stay in {@link ModelConfig}.
 *
 * @param mla              the attention's shapes
 * @param router           group-limited sigmoid routing
 * @param firstDenseLayers layers {@code 0 .. first_k_dense_replace - 1} have a dense MLP, the rest are MoE
 * @param sharedExperts    {@code n_shared_experts}: one always-on MLP {@code moe_intermediate_size} times this wide
 */
public record DeepseekSpec(Mla mla, Router router, int firstDenseLayers, int sharedExperts) {

    /** The model types read as this architecture (Kimi-K2 ships DeepSeek-V3's modelling code). */
    public static final List<String> MODEL_TYPES = List.of("deepseek_v3", "kimi_k2", "deepseek_v32");

    /**
     * Multi-head latent attention: queries through an optional low-rank {@code q_lora_rank} (0 = a full q_proj),
     * keys and values from one compressed latent of {@code kv_lora_rank} plus a shared rotary key of
     * {@code qk_rope_head_dim}; {@code indexer} is V3.2's lightning indexer or null.
     */
    public record Mla(int qLoraRank, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim,
                      boolean ropeInterleave, Indexer indexer) {

        public int qkHeadDim() {
            return qkNopeHeadDim + qkRopeHeadDim;
        }
    }

    /** Sigmoid scores plus {@code e_score_correction_bias} choose {@code topkGroups} of {@code groups}, then top-k. */
    public record Router(int groups, int topkGroups, double scalingFactor) {
    }

    /**
     * DSA's lightning indexer: {@code heads} small heads of {@code headDim} score every past token, each query
     * attends to its {@code topK} best.
     */
    public record Indexer(int heads, int headDim, int topK) {
    }

    public static boolean isDeepseekType(String modelType) {
        return MODEL_TYPES.contains(modelType);
    }

    /** The DSA indexer, or null when attention is dense. */
    public Indexer indexer() {
        return mla.indexer();
    }

    /**
     * Reads the DeepSeek keys of {@code n}, refusing by name those whose values would change the maths in ways
     * this engine does not implement.
     */
    static DeepseekSpec fromJson(JsonNode n, String type) {
        rejectUnsupported(n, type);
        boolean v32 = type.equals("deepseek_v32");
        // q_lora_rank null means a full-rank q_proj; absent means transformers' default
        int qLoraRank = !n.has("q_lora_rank") ? 1536 : n.get("q_lora_rank").isNull() ? 0 : n.get("q_lora_rank").asInt();
        Indexer indexer = v32 ? new Indexer(n.path("index_n_heads").asInt(64), n.path("index_head_dim").asInt(128),
                n.path("index_topk").asInt(2048)) : null;
        Mla mla = new Mla(qLoraRank, ModelConfig.need(n, "kv_lora_rank"), ModelConfig.need(n, "qk_nope_head_dim"),
                ModelConfig.need(n, "qk_rope_head_dim"), ModelConfig.need(n, "v_head_dim"), n.path("rope_interleave").asBoolean(true), indexer);
        Router router = new Router(n.path("n_group").asInt(8), n.path("topk_group").asInt(4),
                n.path("routed_scaling_factor").asDouble(2.5));
        int shared = n.hasNonNull("n_shared_experts") ? n.get("n_shared_experts").asInt() : 0;
        return new DeepseekSpec(mla, router, n.path("first_k_dense_replace").asInt(3), shared);
    }

    /** Checks sizes against the rest of the configuration; throws naming what does not fit. */
    void validate(int headDim, int experts, int expertsPerToken) {
        ModelConfig.require(mla.kvLoraRank() > 0 && mla.qkNopeHeadDim() >= 0 && mla.vHeadDim() > 0 && mla.qLoraRank() >= 0,
                "kv_lora_rank and v_head_dim must be positive, qk_nope_head_dim and q_lora_rank not negative");
        ModelConfig.require(mla.qkRopeHeadDim() > 0 && mla.qkRopeHeadDim() % 2 == 0,
                "qk_rope_head_dim " + mla.qkRopeHeadDim() + " must be positive and even");
        ModelConfig.require(headDim == mla.qkRopeHeadDim(), "head_dim must equal qk_rope_head_dim (the rotary width)");
        ModelConfig.require(firstDenseLayers >= 0 && sharedExperts >= 0, "first_k_dense_replace and n_shared_experts must not"
                + " be negative");
        int e = experts;
        ModelConfig.require(router.groups() > 0 && e % router.groups() == 0, "n_routed_experts " + e
                + " must be a multiple of n_group " + router.groups());
        ModelConfig.require(e / router.groups() >= 2, "each of the n_group " + router.groups() + " groups needs at least 2 of the"
                + " " + e + " experts (a group scores by its top two)");
        ModelConfig.require(router.topkGroups() >= 1 && router.topkGroups() <= router.groups(), "topk_group "
                + router.topkGroups() + " must be in 1..n_group " + router.groups());
        ModelConfig.require(expertsPerToken <= router.topkGroups() * (e / router.groups()), "num_experts_per_tok "
                + expertsPerToken + " exceeds the experts in topk_group " + router.topkGroups() + " groups");
        if (mla.indexer() != null) {
            Indexer ix = mla.indexer();
            ModelConfig.require(mla.qLoraRank() > 0, "deepseek_v32's indexer reads the query latent: q_lora_rank must be set");
            ModelConfig.require(ix.heads() > 0 && ix.topK() > 0, "index_n_heads and index_topk must be positive");
            ModelConfig.require(ix.headDim() >= mla.qkRopeHeadDim(), "index_head_dim " + ix.headDim()
                    + " must hold the rotary part qk_rope_head_dim " + mla.qkRopeHeadDim());
        }
    }

    /** Keys that would change the maths in ways this engine does not implement. */
    private static void rejectUnsupported(JsonNode n, String type) {
        String topk = n.path("topk_method").asText("noaux_tc");
        if (!topk.equals("noaux_tc")) {
            throw new EngineException("topk_method '" + topk + "' is not supported (only noaux_tc: sigmoid scores"
                    + " plus e_score_correction_bias, group-limited top-k)");
        }
        String scoring = n.path("scoring_func").asText("sigmoid");
        if (!scoring.equals("sigmoid")) {
            throw new EngineException("scoring_func '" + scoring + "' is not supported (only sigmoid)");
        }
        if (n.path("moe_layer_freq").asInt(1) != 1) {
            throw new EngineException("moe_layer_freq " + n.get("moe_layer_freq") + " is not supported (only 1:"
                    + " every layer from first_k_dense_replace on is MoE)");
        }
        if (n.path("attention_bias").asBoolean(false)) {
            throw new EngineException("attention_bias=true is not supported for " + type + " (MLA projections"
                    + " without bias only)");
        }
        if (n.hasNonNull("num_key_value_heads") && n.hasNonNull("num_attention_heads")
                && n.get("num_key_value_heads").asInt() != n.get("num_attention_heads").asInt()) {
            throw new EngineException("num_key_value_heads " + n.get("num_key_value_heads") + " is not supported for "
                    + type + " (MLA expands its latent to every one of num_attention_heads)");
        }
        String rope = n.path("rope_scaling").path("rope_type").asText(n.path("rope_scaling").path("type")
                .asText("default"));
        if (!rope.equals("default") && !rope.equals("yarn")) {
            throw new EngineException("rope_scaling type '" + rope + "' is not supported for " + type
                    + " (default or yarn)");
        }
        if (!type.equals("deepseek_v32")) {
            for (String key : List.of("index_topk", "index_n_heads", "index_head_dim")) {
                if (n.has(key)) {
                    throw new EngineException(key + " belongs to DeepSeek-V3.2's sparse attention, which a " + type
                            + " config does not enable (its model_type is deepseek_v32)");
                }
            }
        }
    }

    /** Writes the DeepSeek keys into config.json (the common ones are written by {@link ModelConfig#toJson}). */
    void writeTo(ObjectNode n, ModelConfig c) {
        if (mla.qLoraRank() > 0) {
            n.put("q_lora_rank", mla.qLoraRank());
        } else {
            n.putNull("q_lora_rank");
        }
        n.put("kv_lora_rank", mla.kvLoraRank());
        n.put("qk_nope_head_dim", mla.qkNopeHeadDim());
        n.put("qk_rope_head_dim", mla.qkRopeHeadDim());
        n.put("v_head_dim", mla.vHeadDim());
        n.put("rope_interleave", mla.ropeInterleave());
        n.put("n_routed_experts", c.numExperts());
        n.put("num_experts_per_tok", c.numExpertsPerTok());
        n.put("n_shared_experts", sharedExperts);
        n.put("moe_intermediate_size", c.moeIntermediateSize());
        n.put("first_k_dense_replace", firstDenseLayers);
        n.put("n_group", router.groups());
        n.put("topk_group", router.topkGroups());
        n.put("norm_topk_prob", c.normTopkProb());
        n.put("routed_scaling_factor", router.scalingFactor());
        n.put("scoring_func", "sigmoid");
        n.put("topk_method", "noaux_tc");
        n.put("moe_layer_freq", 1);
        n.put("attention_bias", false);
        if (mla.indexer() != null) {
            n.put("index_n_heads", mla.indexer().heads());
            n.put("index_head_dim", mla.indexer().headDim());
            n.put("index_topk", mla.indexer().topK());
        }
    }

    /**
     * Float32 bytes the KV cache keeps per token and layer: the normalised latent and the rotary key (and the
     * indexer's key under DSA), never the per-head keys and values they expand to.
     */
    public long latentCacheFloatsPerLayer() {
        return mla.kvLoraRank() + mla.qkRopeHeadDim() + (mla.indexer() == null ? 0 : mla.indexer().headDim());
    }

    /** What a plain multi-head cache of this model holds per token and layer: every head's key and value. */
    public long mhaCacheFloatsPerLayer(int heads) {
        return (long) heads * (mla.qkHeadDim() + mla.vHeadDim());
    }
}
