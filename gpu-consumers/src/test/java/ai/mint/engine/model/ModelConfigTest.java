package ai.mint.engine.model;

import ai.djl.Device;
import ai.mint.engine.EngineException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config.json settings that change the maths: implemented ones parse, the others fail naming the key. */
class ModelConfigTest {

    @TempDir
    Path dir;

    static ObjectNode json(boolean moe, Consumer<ObjectNode> edit) {
        ObjectNode j = (moe ? TestModels.microMoe() : TestModels.microDense()).toJson();
        edit.accept(j);
        return j;
    }

    @Test
    void settingsThatChangeTheMathsAreRejectedByKey() {
        record Case(boolean moe, Consumer<ObjectNode> edit, String key) { }
        List<Case> cases = List.of(
                new Case(false, j -> j.put("hidden_act", "gelu"), "hidden_act"),
                new Case(false, j -> j.put("mlp_bias", true), "mlp_bias"),
                new Case(false, j -> j.put("use_sliding_window", true), "use_sliding_window"),
                new Case(false, j -> j.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0),
                        "original_max_position_embeddings"),
                new Case(false, j -> j.putObject("rope_scaling").put("rope_type", "longrope").put("factor", 4.0),
                        "rope_scaling"),
                new Case(false, j -> j.putObject("rope_scaling").put("type", "dynamic").put("factor", 2.0),
                        "rope_scaling"),
                new Case(false, j -> j.putObject("rope_scaling").put("type", "linear"), "rope_scaling.factor"),
                new Case(true, j -> j.putArray("mlp_only_layers").add(1), "mlp_only_layers"),
                new Case(true, j -> j.put("decoder_sparse_step", 2), "decoder_sparse_step"));
        for (Case c : cases) {
            ObjectNode j = json(c.moe(), c.edit());
            assertThatThrownBy(() -> ModelConfig.fromJson(j)).as(c.key()).isInstanceOf(EngineException.class)
                    .hasMessageContaining(c.key());
        }
    }

    /** DeepSeek keys whose other values would change the maths are refused by name, as are sizes that cannot fit. */
    @Test
    void deepseekSettingsThatChangeTheMathsAreRejectedByKey() {
        record Case(Consumer<ObjectNode> edit, String key) { }
        List<Case> cases = List.of(
                new Case(j -> j.put("topk_method", "group_limited_greedy"), "topk_method"),
                new Case(j -> j.put("scoring_func", "softmax"), "scoring_func"),
                new Case(j -> j.put("moe_layer_freq", 2), "moe_layer_freq"),
                new Case(j -> j.put("attention_bias", true), "attention_bias"),
                new Case(j -> j.put("num_key_value_heads", 2), "num_key_value_heads"),
                new Case(j -> j.putObject("rope_scaling").put("type", "linear").put("factor", 2.0), "rope_scaling"),
                new Case(j -> j.put("index_topk", 64), "index_topk"),
                new Case(j -> j.put("n_group", 3), "n_group"),
                new Case(j -> j.put("topk_group", 5), "topk_group"),
                new Case(j -> j.put("hidden_act", "gelu"), "hidden_act"),
                new Case(j -> j.put("model_type", "deepseek_v32").putNull("q_lora_rank"), "q_lora_rank"),
                new Case(j -> j.remove("kv_lora_rank"), "kv_lora_rank"));
        for (Case c : cases) {
            ObjectNode j = TestModels.microDeepseek().toJson();
            c.edit().accept(j);
            assertThatThrownBy(() -> ModelConfig.fromJson(j)).as(c.key()).isInstanceOf(EngineException.class)
                    .hasMessageContaining(c.key());
        }
    }

    /**
     * DeepSeek-V3's published config.json (keys and values as in deepseek-ai/DeepSeek-V3) parses, metadata keys
     * (ep_size, aux_loss_alpha, seq_aux, num_nextn_predict_layers, quantization_config) included, to 671B
     * parameters; Kimi-K2's shape (384 experts, 64 heads, one group) to over a trillion.
     */
    @Test
    void realDeepseekV3AndKimiK2ConfigsParseToTheirParameterCounts() throws Exception {
        ModelConfig v3 = ModelConfig.read(Path.of(getClass().getResource("/deepseek-v3-config.json").toURI()));
        assertThat(v3.deepseek().mla().qLoraRank()).isEqualTo(1536);
        assertThat(v3.ropeScaling().isYarn()).isTrue();
        assertThat(v3.ropeScaling().ropeAmplitude()).isEqualTo(1.0);          // mscale == mscale_all_dim
        assertThat(v3.ropeScaling().deepseekSoftmaxMultiplier()).isCloseTo(Math.pow(0.1 * Math.log(40) + 1, 2),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(parameters(v3)).isBetween(670_000_000_000L, 672_000_000_000L);
        ObjectNode k2 = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(getClass().getResource("/deepseek-v3-config.json"));
        k2.put("model_type", "kimi_k2").put("n_routed_experts", 384).put("num_attention_heads", 64)
                .put("num_key_value_heads", 64).put("n_group", 1).put("topk_group", 1)
                .put("first_k_dense_replace", 1).put("routed_scaling_factor", 2.827).put("vocab_size", 163840)
                .put("rope_theta", 50000.0);
        assertThat(parameters(ModelConfig.fromJson(k2))).isGreaterThan(1_000_000_000_000L);
    }

    @Test
    void deepseekConfigRoundTripsThroughConfigJson() {
        for (ModelConfig c : List.of(TestModels.microDeepseek(), TestModels.microDeepseekSparse(),
                ModelPreset.TINY.config(Architecture.DEEPSEEK_V3))) {
            assertThat(ModelConfig.fromJson(c.toJson())).isEqualTo(c);
        }
    }

    /** Parameters of the main model (embeddings, head, MLA, dense and MoE layers), as the checkpoint holds them. */
    private static long parameters(ModelConfig c) {
        DeepseekSpec.Mla m = c.deepseek().mla();
        long h = c.hiddenSize();
        long heads = c.numHeads();
        long attention = h * m.qLoraRank() + m.qLoraRank() + m.qLoraRank() * heads * m.qkHeadDim()
                + h * (m.kvLoraRank() + m.qkRopeHeadDim()) + m.kvLoraRank()
                + m.kvLoraRank() * heads * (m.qkNopeHeadDim() + m.vHeadDim()) + heads * m.vHeadDim() * h + 2 * h;
        long dense = 3 * h * c.intermediateSize();
        long moe = c.numExperts() * 3 * h * c.moeIntermediateSize() + 3 * h * c.sharedExpertIntermediateSize()
                + c.numExperts() * h + c.numExperts();
        long first = c.deepseek().firstDenseLayers();
        return 2L * c.vocabSize() * h + h + c.numLayers() * attention + first * dense + (c.numLayers() - first) * moe;
    }

    @Test
    void defaultValuesOfThoseKeysAreAccepted() {
        ModelConfig c = ModelConfig.fromJson(json(true, j -> {
            j.put("hidden_act", "silu");
            j.put("mlp_bias", false);
            j.put("use_sliding_window", false);
            j.putArray("mlp_only_layers");
            j.put("decoder_sparse_step", 1);
            j.putNull("rope_scaling");
        }));
        assertThat(c.ropeScaling().isNone()).isTrue();
    }

    @Test
    void everyEosIdIsKeptAndTheFirstIsTheSingleOne() {
        ModelConfig c = ModelConfig.fromJson(json(false, j -> j.putArray("eos_token_id").add(7).add(9)));
        assertThat(c.eosTokenIds()).containsExactly(7, 9);
        assertThat(c.eosTokenId()).isEqualTo(7);
        assertThat(c.isEos(9)).isTrue();
        assertThat(c.isEos(8)).isFalse();
        assertThat(ModelConfig.fromJson(c.toJson()).eosTokenIds()).containsExactly(7, 9);
    }

    @Test
    void mistralSlidingWindowBoundsThePositions() {
        ModelConfig c = ModelConfig.fromJson(json(false, j -> {
            j.put("model_type", "mistral");
            j.put("sliding_window", 100);
        }));
        assertThat(c.maxPositions()).isEqualTo(100);
    }

    @Test
    void missingBiasTensorsImpliedByTheConfigAreAllNamed() throws Exception {
        ModelConfig noBias = ModelConfig.fromJson(json(false, j -> {
            j.put("model_type", "llama");
            j.put("attention_bias", false);
        }));
        BaseModelInitializer.write(dir, noBias, 1, ai.mint.engine.safetensors.DType.F32);
        ObjectNode withBias = noBias.toJson().put("attention_bias", true);
        Files.writeString(dir.resolve("config.json"), withBias.toString());
        assertThatThrownBy(() -> HfModelLoader.load(dir, Device.cpu())).isInstanceOf(EngineException.class)
                .hasMessageContaining("model.layers.0.self_attn.q_proj.bias")
                .hasMessageContaining("model.layers.1.self_attn.o_proj.bias");
    }

    @Test
    void qwen2BiasIsRequiredEvenWhenTheFileOmitsIt() throws Exception {
        ModelConfig llama = ModelConfig.fromJson(json(false, j -> {
            j.put("model_type", "llama");
            j.put("attention_bias", false);
        }));
        BaseModelInitializer.write(dir, llama, 1, ai.mint.engine.safetensors.DType.F32);
        Files.writeString(dir.resolve("config.json"), llama.toJson().put("model_type", "qwen2").toString());
        assertThatThrownBy(() -> HfModelLoader.load(dir, Device.cpu())).isInstanceOf(EngineException.class)
                .hasMessageContaining("k_proj.bias").hasMessageNotContaining("o_proj.bias");
    }
}
