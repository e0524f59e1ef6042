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
        for (ModelConfig c : new ModelConfig[] {TestModels.microDense(), TestModels.microMoe()}) {
            LoraWeights w = LoraWeights.random(c, EnumSet.allOf(Projection.class), 3, 6f, 5, true);
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
            assertThat(packed.names()).hasSize(2 * 2 * 2);          // 2 layers x 2 projections x (A, B)
            assertThat(perExpert.names()).hasSize(2 * 2 * 2 * 4);   // ... x 4 experts
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
