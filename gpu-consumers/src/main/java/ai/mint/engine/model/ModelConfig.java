package ai.mint.engine.model;

import ai.mint.engine.EngineException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a decoder as Hugging Face's {@code config.json} describes it: Llama/Qwen2-style, dense or MoE
 * (Qwen2-MoE and Mixtral key names), or DeepSeek-V3 (its extra keys in {@link #deepseek()}, null for the others).
 * {@code numExperts == 0} means a dense model. {@code eosTokenId} is the first of {@code eosTokenIds} (config.json
 * may list several; generation stops on any). Settings that would change the maths in a way this engine does not
 * implement are rejected by key name when reading config.json.
 */
public record ModelConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int numExperts,
        int numExpertsPerTok,
        int moeIntermediateSize,
        int sharedExpertIntermediateSize,
        boolean normTopkProb,
        int bosTokenId,
        int eosTokenId,
        RopeScaling ropeScaling,
        List<Integer> eosTokenIds,
        String nameOrPath,
        DeepseekSpec deepseek) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        ropeScaling = ropeScaling == null ? RopeScaling.NONE : ropeScaling;
        eosTokenIds = eosTokenIds == null || eosTokenIds.isEmpty()
                ? (eosTokenId >= 0 ? List.of(eosTokenId) : List.of()) : List.copyOf(eosTokenIds);
        require(eosTokenIds.isEmpty() || eosTokenIds.get(0) == eosTokenId,
                "eos_token_id " + eosTokenId + " must be the first of " + eosTokenIds);
        require(vocabSize > 0 && hiddenSize > 0 && numLayers > 0 && numHeads > 0, "sizes must be positive");
        require(numKvHeads > 0 && numHeads % numKvHeads == 0,
                "num_attention_heads " + numHeads + " must be a multiple of num_key_value_heads " + numKvHeads);
        require(headDim > 0 && headDim % 2 == 0, "head_dim " + headDim + " must be positive and even (rotary)");
        require(numExperts == 0 || (numExpertsPerTok > 0 && numExpertsPerTok <= numExperts),
                "num_experts_per_tok " + numExpertsPerTok + " must be in 1.." + numExperts);
        if (deepseek != null) {
            require(numExperts > 0, "a DeepSeek-V3 model needs n_routed_experts > 0");
            deepseek.validate(headDim, numExperts, numExpertsPerTok); // fields are not assigned yet here
        }
    }

    /** The configuration without rope scaling and with a single end-of-sequence id (the original signature). */
    public ModelConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                       int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta,
                       int maxPositions, boolean tieWordEmbeddings, boolean attentionBias, int numExperts,
                       int numExpertsPerTok, int moeIntermediateSize, int sharedExpertIntermediateSize,
                       boolean normTopkProb, int bosTokenId, int eosTokenId) {
        this(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, rmsNormEps,
                ropeTheta, maxPositions, tieWordEmbeddings, attentionBias, numExperts, numExpertsPerTok,
                moeIntermediateSize, sharedExpertIntermediateSize, normTopkProb, bosTokenId, eosTokenId,
                RopeScaling.NONE, null, null, null);
    }

    /** This configuration naming its origin: the base directory, or config.json's {@code _name_or_path}. */
    public ModelConfig withNameOrPath(String name) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, rmsNormEps, ropeTheta, maxPositions, tieWordEmbeddings, attentionBias, numExperts,
                numExpertsPerTok, moeIntermediateSize, sharedExpertIntermediateSize, normTopkProb, bosTokenId,
                eosTokenId, ropeScaling, eosTokenIds, name, deepseek);
    }

    /** True when o_proj has a bias too: Llama's attention_bias covers q/k/v/o, Qwen2's built-in bias only q/k/v. */
    public boolean outputBias() {
        return attentionBias && !modelType.startsWith("qwen2");
    }

    /** True if {@code token} is any of the end-of-sequence ids. */
    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }

    public boolean isMoe() {
        return numExperts > 0;
    }

    /** True for DeepSeek-V3-family models (multi-head latent attention, group-limited sigmoid routing). */
    public boolean isDeepseek() {
        return deepseek != null;
    }

    /** True when {@code layer} has a mixture of experts (DeepSeek's first layers keep a dense MLP). */
    public boolean isMoeLayer(int layer) {
        return isMoe() && (deepseek == null || layer >= deepseek.firstDenseLayers());
    }

    /** True when the MoE layers have an always-on shared expert (Qwen2-MoE's shared_expert, DeepSeek's). */
    public boolean hasSharedExpert() {
        return isMoe() && !mixtralNames() && sharedExpertIntermediateSize > 0;
    }

    /** Float32 bytes the KV cache holds per token over all layers: MLA's latent, otherwise keys and values. */
    public long cacheBytesPerToken() {
        long perLayer = deepseek != null ? deepseek.latentCacheFloatsPerLayer() : 2L * numKvHeads * headDim;
        return perLayer * numLayers * Float.BYTES;
    }

    /** What the cache would hold per token as plain multi-head attention (per-head keys and values). */
    public long mhaCacheBytesPerToken() {
        long perLayer = deepseek != null ? deepseek.mhaCacheFloatsPerLayer(numHeads) : 2L * numKvHeads * headDim;
        return perLayer * numLayers * Float.BYTES;
    }

    /** True for Mixtral tensor names (block_sparse_moe, w1/w2/w3); false for Qwen2-MoE names (mlp.experts.N). */
    public boolean mixtralNames() {
        return "mixtral".equals(modelType);
    }

    /** Width of one expert's hidden layer. */
    public int expertIntermediateSize() {
        return moeIntermediateSize > 0 ? moeIntermediateSize : intermediateSize;
    }

    public static ModelConfig read(Path configJson) {
        try {
            ModelConfig c = fromJson(JSON.readTree(Files.readAllBytes(configJson)));
            // the directory is what a PEFT adapter's base_model_name_or_path should point back to
            return c.withNameOrPath(configJson.toAbsolutePath().getParent().toString());
        } catch (IOException e) {
            throw new EngineException("cannot read model config " + configJson + ": " + e.getMessage(), e);
        } catch (EngineException e) {
            throw new EngineException(configJson + ": " + e.getMessage(), e);
        }
    }

    public static ModelConfig fromJson(JsonNode n) {
        String type = n.path("model_type").asText("llama");
        boolean deepseek = DeepseekSpec.isDeepseekType(type);
        if (!type.equals("llama") && !type.equals("qwen2") && !type.equals("qwen2_moe") && !type.equals("mixtral")
                && !type.equals("mistral") && !deepseek) {
            throw new EngineException("model_type '" + type + "' is not supported (llama, mistral, qwen2, qwen2_moe,"
                    + " mixtral, deepseek_v3, kimi_k2, deepseek_v32)");
        }
        rejectUnsupported(n, type);
        if (deepseek) {
            return fromDeepseekJson(n, type, DeepseekSpec.fromJson(n, type));
        }
        List<Integer> eos = eosIds(n);
        int hidden = need(n, "hidden_size");
        int heads = need(n, "num_attention_heads");
        int experts = n.has("num_experts") ? n.get("num_experts").asInt() : n.path("num_local_experts").asInt(0);
        boolean moe = type.equals("qwen2_moe") || type.equals("mixtral");
        if (moe && experts <= 0) {
            throw new EngineException(type + " config lacks num_experts / num_local_experts");
        }
        return new ModelConfig(type,
                need(n, "vocab_size"), hidden, need(n, "intermediate_size"), need(n, "num_hidden_layers"), heads,
                n.path("num_key_value_heads").asInt(heads),
                n.has("head_dim") && !n.get("head_dim").isNull() ? n.get("head_dim").asInt() : hidden / heads,
                n.path("rms_norm_eps").asDouble(1e-6),
                n.path("rope_theta").asDouble(10000.0),
                maxPositions(n, type),
                n.path("tie_word_embeddings").asBoolean(false),
                // Qwen2 always carries q/k/v bias; Llama says so with attention_bias
                type.startsWith("qwen2") || n.path("attention_bias").asBoolean(false),
                moe ? experts : 0,
                moe ? n.path("num_experts_per_tok").asInt(2) : 0,
                moe ? n.path("moe_intermediate_size").asInt(0) : 0,
                moe ? n.path("shared_expert_intermediate_size").asInt(0) : 0,
                // Mixtral always renormalises the top-k weights; Qwen2-MoE says so with norm_topk_prob
                type.equals("mixtral") || n.path("norm_topk_prob").asBoolean(false),
                n.path("bos_token_id").canConvertToInt() ? n.get("bos_token_id").asInt() : -1,
                eos.isEmpty() ? -1 : eos.get(0),
                RopeScaling.fromJson(n.get("rope_scaling")),
                eos,
                n.hasNonNull("_name_or_path") ? n.get("_name_or_path").asText() : null,
                null);
    }

    /** DeepSeek-V3 names its experts n_routed_experts; the rotary width is qk_rope_head_dim, as in transformers. */
    private static ModelConfig fromDeepseekJson(JsonNode n, String type, DeepseekSpec d) {
        int heads = need(n, "num_attention_heads");
        int moeWidth = need(n, "moe_intermediate_size");
        List<Integer> eos = eosIds(n);
        return new ModelConfig(type, need(n, "vocab_size"), need(n, "hidden_size"), need(n, "intermediate_size"),
                need(n, "num_hidden_layers"), heads, heads, d.mla().qkRopeHeadDim(),
                n.path("rms_norm_eps").asDouble(1e-6), n.path("rope_theta").asDouble(10000.0),
                n.path("max_position_embeddings").asInt(4096), n.path("tie_word_embeddings").asBoolean(false), false,
                need(n, "n_routed_experts"), n.path("num_experts_per_tok").asInt(8), moeWidth,
                moeWidth * d.sharedExperts(), n.path("norm_topk_prob").asBoolean(true),
                n.path("bos_token_id").canConvertToInt() ? n.get("bos_token_id").asInt() : -1,
                eos.isEmpty() ? -1 : eos.get(0), RopeScaling.fromJson(n.get("rope_scaling")), eos,
                n.hasNonNull("_name_or_path") ? n.get("_name_or_path").asText() : null, d);
    }

    private static List<Integer> eosIds(JsonNode n) {
        List<Integer> eos = new ArrayList<>();
        if (n.path("eos_token_id").isArray()) {
            n.get("eos_token_id").forEach(id -> eos.add(id.asInt()));
        } else if (n.path("eos_token_id").canConvertToInt()) {
            eos.add(n.get("eos_token_id").asInt());
        }
        return eos;
    }

    /**
     * A sliding window only masks keys further back than the window, so a model whose window is active is exact
     * here up to the window's length: positions beyond it are refused like positions beyond the table.
     */
    private static int maxPositions(JsonNode n, String type) {
        int max = n.path("max_position_embeddings").asInt(4096);
        boolean windowed = type.equals("mistral") || type.equals("mixtral");
        if (windowed && n.path("sliding_window").canConvertToInt() && n.get("sliding_window").asInt() > 0) {
            return Math.min(max, n.get("sliding_window").asInt());
        }
        return max;
    }

    /** Keys whose non-default values change the computation in ways this engine does not implement. */
    private static void rejectUnsupported(JsonNode n, String type) {
        String act = n.has("hidden_act") ? n.get("hidden_act").asText() : n.path("hidden_activation").asText("silu");
        if (!act.equals("silu")) {
            throw new EngineException("hidden_act '" + act + "' is not supported (only silu)");
        }
        if (n.path("mlp_bias").asBoolean(false)) {
            throw new EngineException("mlp_bias=true is not supported (MLP projections without bias only)");
        }
        if (n.path("use_sliding_window").asBoolean(false)) {
            throw new EngineException("use_sliding_window=true is not supported (full causal attention only)");
        }
        if (type.equals("qwen2_moe")) {
            JsonNode only = n.path("mlp_only_layers");
            if (only.isArray() && !only.isEmpty()) {
                throw new EngineException("mlp_only_layers " + only + " is not supported (every layer must be MoE)");
            }
            int step = n.path("decoder_sparse_step").asInt(1);
            if (step != 1) {
                throw new EngineException("decoder_sparse_step " + step + " is not supported (only 1: every layer"
                        + " is MoE)");
            }
        }
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen2_moe" -> "Qwen2MoeForCausalLM";
            case "mixtral" -> "MixtralForCausalLM";
            case "mistral" -> "MistralForCausalLM";
            case "deepseek_v3", "kimi_k2" -> "DeepseekV3ForCausalLM";
            case "deepseek_v32" -> "DeepseekV32ForCausalLM";
            default -> "LlamaForCausalLM";
        });
        n.put("model_type", modelType);
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numLayers);
        n.put("num_attention_heads", numHeads);
        n.put("num_key_value_heads", numKvHeads);
        if (deepseek == null) {
            n.put("head_dim", headDim);
        }
        n.put("rms_norm_eps", rmsNormEps);
        n.put("rope_theta", ropeTheta);
        n.put("max_position_embeddings", maxPositions);
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("hidden_act", "silu");
        if (modelType.equals("llama") || modelType.equals("mistral")) {
            n.put("attention_bias", attentionBias);
        }
        if (deepseek != null) {
            deepseek.writeTo(n, this);
        } else if (isMoe()) {
            n.put(mixtralNames() ? "num_local_experts" : "num_experts", numExperts);
            n.put("num_experts_per_tok", numExpertsPerTok);
            if (!mixtralNames()) {
                n.put("moe_intermediate_size", expertIntermediateSize());
                n.put("shared_expert_intermediate_size", sharedExpertIntermediateSize);
                n.put("norm_topk_prob", normTopkProb);
                n.put("decoder_sparse_step", 1);
            }
        }
        ropeScaling.writeTo(n);
        n.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() > 1) {
            eosTokenIds.forEach(n.putArray("eos_token_id")::add);
        } else {
            n.put("eos_token_id", eosTokenId);
        }
        n.put("torch_dtype", "float32");
        return n;
    }

    public void write(Path configJson) {
        try {
            Files.createDirectories(configJson.toAbsolutePath().getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(configJson.toFile(), toJson());
        } catch (IOException e) {
            throw new EngineException("cannot write " + configJson + ": " + e.getMessage(), e);
        }
    }

    static int need(JsonNode n, String key) {
        if (!n.has(key) || !n.get(key).canConvertToInt()) {
            throw new EngineException("config.json lacks integer '" + key + "'");
        }
        return n.get(key).asInt();
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new EngineException("invalid model config: " + message);
        }
    }
}
