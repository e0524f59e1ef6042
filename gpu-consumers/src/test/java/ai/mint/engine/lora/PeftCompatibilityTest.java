package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEFT files as PEFT and Hugging Face write them: names, layout, options we must refuse, orientation of A and B. */
class PeftCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static ModelConfig mixtral() {
        ObjectNode j = TestModels.microMoe().toJson();
        j.put("model_type", "mixtral");
        j.put("num_local_experts", j.remove("num_experts").asInt());
        return ModelConfig.fromJson(j);
    }

    @Test
    void mixtralExpertTargetsUseW1W2W3AndRoundTrip() throws Exception {
        ModelConfig c = mixtral();
        LoraWeights w = LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.GATE, Projection.UP,
                Projection.DOWN), 2, 4f, 1, true);
        PeftAdapterIo.write(dir, w, c);
        JsonNode cfg = JSON.readTree(dir.resolve(PeftAdapterIo.CONFIG).toFile());
        assertThat(cfg.get("target_modules")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("q_proj", "w1", "w3", "w2");
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(PeftAdapterIo.WEIGHTS))) {
            assertThat(r.names()).contains(
                    "base_model.model.model.layers.1.block_sparse_moe.experts.3.w1.lora_A.weight",
                    "base_model.model.model.layers.0.block_sparse_moe.experts.0.w2.lora_B.weight");
        }
        LoraWeights back = PeftAdapterIo.read(dir, c);
        for (LoraKey k : w.a().keySet()) {
            assertThat(back.a().get(k)).containsExactly(w.a().get(k));
            assertThat(back.b().get(k)).containsExactly(w.b().get(k));
        }
    }

    @Test
    void baseModelNameOrPathIsTheBaseDirectory() throws Exception {
        Path base = dir.resolve("my-base");
        BaseModelInitializer.write(base, TestModels.microDense(), 1, ai.mint.engine.safetensors.DType.F32);
        ModelConfig c = ModelConfig.read(base.resolve("config.json"));
        PeftAdapterIo.write(dir.resolve("a"), LoraWeights.random(c, EnumSet.of(Projection.Q), 1, 1f, 1, false), c);
        JsonNode cfg = JSON.readTree(dir.resolve("a").resolve(PeftAdapterIo.CONFIG).toFile());
        assertThat(cfg.get("base_model_name_or_path").asText()).isEqualTo(base.toAbsolutePath().toString());
        ModelConfig named = ModelConfig.fromJson(TestModels.microDense().toJson().put("_name_or_path", "Qwen/x"));
        assertThat(named.nameOrPath()).isEqualTo("Qwen/x");
    }

    @Test
    void peftOptionsThatChangeTheMathsAreRefusedByName() throws Exception {
        ModelConfig c = TestModels.microDense();
        PeftAdapterIo.write(dir, LoraWeights.random(c, EnumSet.of(Projection.Q), 2, 4f, 1, true), c);
        ObjectNode plain = (ObjectNode) JSON.readTree(dir.resolve(PeftAdapterIo.CONFIG).toFile());
        Map<String, java.util.function.Consumer<ObjectNode>> options = Map.of(
                "use_dora", j -> j.put("use_dora", true),
                "fan_in_fan_out", j -> j.put("fan_in_fan_out", true),
                "layers_to_transform", j -> j.putArray("layers_to_transform").add(0),
                "modules_to_save", j -> j.putArray("modules_to_save").add("lm_head"),
                "rank_pattern", j -> j.putObject("rank_pattern").put("q_proj", 4),
                "alpha_pattern", j -> j.putObject("alpha_pattern").put("q_proj", 8));
        for (var option : options.entrySet()) {
            ObjectNode j = plain.deepCopy();
            option.getValue().accept(j);
            Files.writeString(dir.resolve(PeftAdapterIo.CONFIG), j.toString());
            assertThatThrownBy(() -> PeftAdapterIo.read(dir, c)).as(option.getKey())
                    .isInstanceOf(EngineException.class).hasMessageContaining(option.getKey());
        }
        ObjectNode defaults = plain.deepCopy();
        defaults.put("use_dora", false);
        defaults.putNull("layers_to_transform");
        defaults.putObject("rank_pattern");
        defaults.putNull("modules_to_save");
        Files.writeString(dir.resolve(PeftAdapterIo.CONFIG), defaults.toString());
        assertThat(PeftAdapterIo.read(dir, c).targets()).containsExactly(Projection.Q);
    }

    @Test
    void loraTensorsThatTheTargetListDoesNotCoverAreListed() throws Exception {
        ModelConfig c = TestModels.microDense();
        PeftAdapterIo.write(dir, LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.V), 2, 4f, 1, true), c);
        ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve(PeftAdapterIo.CONFIG).toFile());
        cfg.putArray("target_modules").add("q_proj");
        Files.writeString(dir.resolve(PeftAdapterIo.CONFIG), cfg.toString());
        assertThatThrownBy(() -> PeftAdapterIo.read(dir, c)).isInstanceOf(EngineException.class)
                .hasMessageContaining("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight")
                .hasMessageContaining("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
    }

    @Test
    void expertLayoutIsDeclaredInTheSafetensorsMetadataAndTheOldPlaceIsStillRead() throws Exception {
        ModelConfig c = TestModels.microMoe();
        LoraWeights w = LoraWeights.random(c, EnumSet.of(Projection.GATE), 2, 4f, 1, true);
        PeftAdapterIo.write(dir, w, c, true);
        assertThat(JSON.readTree(dir.resolve(PeftAdapterIo.CONFIG).toFile()).has("mint_expert_layout")).isFalse();
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(PeftAdapterIo.WEIGHTS))) {
            assertThat(r.metadata()).containsEntry("mint_expert_layout", "packed");
        }
        // an older file: no metadata key, the layout in adapter_config.json, contradicting the tensors
        PeftAdapterIo.write(dir.resolve("old"), w, c, false);
        SafetensorsWriter rewrite = new SafetensorsWriter().metadata("format", "pt");
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("old").resolve(PeftAdapterIo.WEIGHTS))) {
            for (String n : r.names()) {
                HostTensor t = r.read(n);
                rewrite.add(n, t.shape(), t.floats());
            }
        }
        rewrite.write(dir.resolve("old").resolve(PeftAdapterIo.WEIGHTS));
        ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("old").resolve(PeftAdapterIo.CONFIG).toFile());
        Files.writeString(dir.resolve("old").resolve(PeftAdapterIo.CONFIG), cfg.put("mint_expert_layout",
                "packed").toString());
        assertThatThrownBy(() -> PeftAdapterIo.read(dir.resolve("old"), c)).isInstanceOf(EngineException.class)
                .hasMessageContaining("mint_expert_layout=packed");
    }

    /**
     * Hand-written PEFT tensors, square q_proj (32 x 32) so a transpose keeps every shape: A [r, in] one-hot at
     * (0, 3) and (1, 7), B [out, r] one-hot at (5, 0) and (11, 1) with value 2. scale * B @ A has exactly 2 at
     * [5][3] and 4 at [11][7]; the merged weight and the compute-layout product must both show that.
     */
    @Test
    void oneHotFactorsGiveScaleTimesBTimesAInBothDirections() {
        ModelConfig c = TestModels.microDense();
        int in = 32;
        int out = 32;
        float[] a = new float[2 * in];
        a[3] = 1;
        a[in + 7] = 1;
        float[] b = new float[out * 2];
        b[5 * 2] = 1;
        b[11 * 2 + 1] = 2;
        String module = "base_model.model.model.layers.0.self_attn.q_proj";
        new SafetensorsWriter().add(module + ".lora_A.weight", new long[] {2, in}, a)
                .add(module + ".lora_B.weight", new long[] {out, 2}, b).write(dir.resolve(PeftAdapterIo.WEIGHTS));
        try {
            Files.writeString(dir.resolve(PeftAdapterIo.CONFIG), "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4,"
                    + "\"target_modules\":[\"q_proj\"]}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        LoraWeights w = PeftAdapterIo.read(dir, c);
        assertThat(w.scale()).isEqualTo(2f);

        Map<String, HostTensor> base = BaseModelInitializer.tensors(c, 1);
        String name = "model.layers.0.self_attn.q_proj.weight";
        float[] before = base.get(name).floats();
        float[] merged;
        try (BaseModel resident = BaseModel.fromHost(c, base, ai.djl.Device.cpu());
             MergedWeights m = LoraMerger.merge(resident, w)) {
            merged = m.toHost().get(name).floats();
        }
        float[] expected = new float[out * in];
        expected[5 * in + 3] = 2;
        expected[11 * in + 7] = 4;
        for (int i = 0; i < expected.length; i++) {
            assertThat(merged[i] - before[i]).as("delta[%d][%d]", i / in, i % in)
                    .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-6f));
        }
        // compute layout: the unit input x = e_3 through x @ A @ B * scale lands on output 5 with weight 2
        LoraKey key = LoraKey.module(0, Projection.Q);
        float[] ca = w.a().get(key);  // [in, r]
        float[] cb = w.b().get(key);  // [r, out]
        for (int o = 0; o < out; o++) {
            float y3 = 0;
            float y7 = 0;
            for (int k = 0; k < 2; k++) {
                y3 += ca[3 * 2 + k] * cb[k * out + o];
                y7 += ca[7 * 2 + k] * cb[k * out + o];
            }
            assertThat(y3 * w.scale()).isEqualTo(expected[o * in + 3]);
            assertThat(y7 * w.scale()).isEqualTo(expected[o * in + 7]);
        }
        assertThat(List.of(w.targets().toArray())).containsExactly(Projection.Q);
    }
}
