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
