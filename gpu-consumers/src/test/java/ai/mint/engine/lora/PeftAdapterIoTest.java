package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.SafetensorsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeftAdapterIoTest {

    @TempDir
    Path dir;

    @Test
    void writeThenReadIsBitExactForDenseAndBothMoeLayouts() {
        for (ModelConfig c : new ModelConfig[] {TestModels.microDense(), TestModels.microMoe(),
                TestModels.microDeepseek()}) {
            LoraWeights w = LoraWeights.random(c, Projection.allOn(c), 3, 6f, 5, true);
            for (boolean packed : new boolean[] {false, true}) {
                Path out = dir.resolve(c.modelType() + packed);
                String sha = PeftAdapterIo.write(out, w, c, packed);
                assertThat(sha).isEqualTo(PeftAdapterIo.sha256(out.resolve(PeftAdapterIo.WEIGHTS))).hasSize(64);
                LoraWeights back = PeftAdapterIo.read(out, c);
                assertThat(back.rank()).isEqualTo(3);
                assertThat(back.alpha()).isEqualTo(6f);
                assertThat(back.targets()).isEqualTo(w.targets());
                assertThat(back.a().keySet()).isEqualTo(w.a().keySet());
                for (LoraKey key : w.a().keySet()) {
                    assertThat(back.a().get(key)).as("A %s", key).containsExactly(w.a().get(key));
                    assertThat(back.b().get(key)).as("B %s", key).containsExactly(w.b().get(key));
                }
            }
        }
    }

    /**
     * DeepSeek-V3's PEFT names: latent attention projections, the dense first layer's MLP, routed experts and
     * {@code shared_experts}; B factors of rotary outputs are stored with the checkpoint's interleaved rows.
     */
    @Test
    void deepseekAdaptersUsePeftModuleNamesAndTheCheckpointsRotaryOrder() {
        ModelConfig c = TestModels.microDeepseek();
        LoraWeights w = LoraWeights.random(c, Projection.allOn(c), 2, 4f, 3, true);
        PeftAdapterIo.write(dir, w, c);
        String p = "base_model.model.model.layers.";
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(PeftAdapterIo.WEIGHTS))) {
            assertThat(r.info(p + "0.self_attn.q_a_proj.lora_A.weight").shape()).containsExactly(2, 32);
            assertThat(r.info(p + "0.self_attn.kv_b_proj.lora_B.weight").shape()).containsExactly(4 * 16, 2);
            assertThat(r.info(p + "0.mlp.gate_proj.lora_A.weight").shape()).containsExactly(2, 32);
            assertThat(r.info(p + "1.mlp.experts.7.down_proj.lora_A.weight").shape()).containsExactly(2, 16);
            assertThat(r.info(p + "2.mlp.shared_experts.up_proj.lora_B.weight").shape()).containsExactly(16, 2);
            assertThat(r.names()).noneMatch(n -> n.startsWith(p + "0.mlp.experts") || n.startsWith(p + "1.mlp.gate_proj"));
            // kv_a_proj_with_mqa: rows 0..15 latent, 16..23 the rotary key; stored pairs (16, 17) are engine rows 16, 20
            float[] stored = r.read(p + "1.self_attn.kv_a_proj_with_mqa.lora_B.weight").floats(); // [24, 2]
            float[] engine = w.b().get(LoraKey.module(1, Projection.KV_A));                       // [2, 24]
            for (int k = 0; k < 2; k++) {
                assertThat(stored[3 * 2 + k]).isEqualTo(engine[k * 24 + 3]);
                assertThat(stored[16 * 2 + k]).isEqualTo(engine[k * 24 + 16]);
                assertThat(stored[17 * 2 + k]).isEqualTo(engine[k * 24 + 20]);
                assertThat(stored[18 * 2 + k]).isEqualTo(engine[k * 24 + 17]);
            }
        }
    }

    @Test
    void usesPeftTensorNamesAndShapes() {
        ModelConfig c = TestModels.microMoe();
        LoraWeights w = LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.GATE), 2, 4f, 1, true);
        PeftAdapterIo.write(dir, w, c);
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(PeftAdapterIo.WEIGHTS))) {
            assertThat(r.info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape())
                    .containsExactly(2, 32);
            assertThat(r.info("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight").shape())
                    .containsExactly(32, 2);
            assertThat(r.info("base_model.model.model.layers.1.mlp.experts.3.gate_proj.lora_B.weight").shape())
                    .containsExactly(24, 2);
        }
    }

    /** The packed layout is PEFT's per-expert tensors stacked, so that both decode with exactly the same work. */
    @Test
    void packedTensorsAreThePerExpertTensorsStacked() {
        ModelConfig c = TestModels.microMoe();
        LoraWeights w = LoraWeights.random(c, EnumSet.of(Projection.UP, Projection.DOWN), 2, 4f, 9, true);
        PeftAdapterIo.write(dir.resolve("per-expert"), w, c, false);
        PeftAdapterIo.write(dir.resolve("packed"), w, c, true);
        try (SafetensorsReader perExpert = SafetensorsReader.open(dir.resolve("per-expert").resolve(PeftAdapterIo.WEIGHTS));
             SafetensorsReader packed = SafetensorsReader.open(dir.resolve("packed").resolve(PeftAdapterIo.WEIGHTS))) {
            String stack = "base_model.model.model.layers.1.mlp.experts.down_proj.lora_";
            assertThat(packed.info(stack + "A.packed").shape()).containsExactly(4, 2, 24);
            assertThat(packed.info(stack + "B.packed").shape()).containsExactly(4, 32, 2);
            float[] a = packed.read(stack + "A.packed").floats();
            float[] b = packed.read(stack + "B.packed").floats();
            for (int e = 0; e < 4; e++) {
                String one = "base_model.model.model.layers.1.mlp.experts." + e + ".down_proj.lora_";
                assertThat(java.util.Arrays.copyOfRange(a, e * 48, (e + 1) * 48))
                        .containsExactly(perExpert.read(one + "A.weight").floats());
                assertThat(java.util.Arrays.copyOfRange(b, e * 64, (e + 1) * 64))
                        .containsExactly(perExpert.read(one + "B.weight").floats());
            }
            // the shared expert's pairs are plain per-module tensors in both layouts
            assertThat(packed.names()).hasSize(2 * 2 * 2 + 2 * 2 * 2);        // 2 layers x 2 projections x (A, B)
            assertThat(perExpert.names()).hasSize(2 * 2 * 2 * 4 + 2 * 2 * 2); // ... x 4 experts
            assertThat(packed.names()).contains("base_model.model.model.layers.1.mlp.shared_expert.up_proj.lora_A"
                    + ".weight");
        }
    }

    @Test
    void adapterForAnotherBaseIsRejectedWithTheTensorName() throws Exception {
        LoraWeights w = LoraWeights.random(TestModels.microDense(), EnumSet.of(Projection.Q), 2, 4f, 1, true);
        PeftAdapterIo.write(dir, w, TestModels.microDense());
        ModelConfig wider = new ModelConfig("qwen2", 260, 64, 64, 2, 4, 2, 16, 1e-6, 1e4, 512, false, true,
                0, 0, 0, 0, false, 256, 256);
        assertThatThrownBy(() -> PeftAdapterIo.read(dir, wider)).isInstanceOf(EngineException.class)
                .hasMessageContaining("q_proj.lora_A.weight");
        Files.writeString(dir.resolve(PeftAdapterIo.CONFIG), "{\"peft_type\":\"LORA\",\"r\":2,"
                + "\"target_modules\":[\"fc1\"]}");
        assertThatThrownBy(() -> PeftAdapterIo.read(dir, TestModels.microDense())).hasMessageContaining("fc1");
    }
}
