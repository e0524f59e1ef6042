package ai.mint.connect.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterCheckTest {

    private static final String Q = "model.layers.0.self_attn.q_proj";
    private static final String V = "model.layers.0.self_attn.v_proj";
    private static final String P = "base_model.model.";

    @TempDir
    Path dir;
    private PeftAdapterCheck check;

    @BeforeEach
    void base() throws IOException {
        Path base = dir.resolve("base");
        Files.createDirectories(base);
        Files.writeString(base.resolve("config.json"), "{\"hidden_size\": 6}");
        new TinySafetensors().add(Q + ".weight", 8, 6).add(V + ".weight", 4, 6)
                .add("model.embed_tokens.weight", 10, 6).write(base.resolve("model.safetensors"));
        check = new PeftAdapterCheck(BaseShapes.read(base));
    }

    @Test
    void shouldAcceptFactorsThatFitTheBaseWeights() throws Exception {
        Path a = adapter("good", 2, "[\"q_proj\", \"v_proj\"]", new TinySafetensors()
                .add(P + Q + ".lora_A.weight", 2, 6).add(P + Q + ".lora_B.weight", 8, 2)
                .add(P + V + ".lora_A.weight", 2, 6).add(P + V + ".lora_B.weight", 4, 2));

        PeftAdapterCheck.Checked checked = check.check(a);

        assertThat(checked.rank()).isEqualTo(2);
        assertThat(checked.alpha()).isEqualTo(4.0);
        assertThat(checked.targetModules()).isEqualTo(List.of("q_proj", "v_proj"));
        assertThat(checked.factors()).isEqualTo(2);
    }

    @Test
    void shouldRefuseFactorsMadeForAnotherBaseNamingTheModuleAndShapes() throws Exception {
        Path a = adapter("other-base", 2, "[\"q_proj\"]", new TinySafetensors()
                .add(P + Q + ".lora_A.weight", 2, 5).add(P + Q + ".lora_B.weight", 8, 2));

        assertThatThrownBy(() -> check.check(a)).isInstanceOf(PeftAdapterCheck.RefusedException.class)
                .hasMessageContaining("does not fit the base").hasMessageContaining(Q)
                .hasMessageContaining("[2, 5]").hasMessageContaining("[8, 6]");
    }

    @Test
    void shouldRefuseARankThatDisagreesWithTheConfig() throws Exception {
        Path a = adapter("rank", 4, "[\"q_proj\"]", new TinySafetensors()
                .add(P + Q + ".lora_A.weight", 2, 6).add(P + Q + ".lora_B.weight", 8, 2));

        assertThatThrownBy(() -> check.check(a)).hasMessageContaining("rank 4");
    }

    @Test
    void shouldRefuseModulesTheBaseOrTheTargetListLacks() throws Exception {
        String k = "model.layers.0.self_attn.k_proj";
        Path unknown = adapter("unknown", 2, "[\"k_proj\"]", new TinySafetensors()
                .add(P + k + ".lora_A.weight", 2, 6).add(P + k + ".lora_B.weight", 4, 2));
        Path unlisted = adapter("unlisted", 2, "[\"v_proj\"]", new TinySafetensors()
                .add(P + Q + ".lora_A.weight", 2, 6).add(P + Q + ".lora_B.weight", 8, 2));

        assertThatThrownBy(() -> check.check(unknown)).hasMessageContaining("the base has no weight " + k + ".weight");
        assertThatThrownBy(() -> check.check(unlisted)).hasMessageContaining("does not list q_proj");
    }

    @Test
    void shouldRefuseMissingPairsForeignTensorsAndBrokenFiles() throws Exception {
        Path half = adapter("half", 2, "[\"q_proj\"]", new TinySafetensors().add(P + Q + ".lora_A.weight", 2, 6));
        Path foreign = adapter("foreign", 2, "[\"q_proj\"]", new TinySafetensors()
                .add(P + Q + ".lora_A.weight", 2, 6).add(P + Q + ".lora_B.weight", 8, 2)
                .add(P + "lm_head.weight", 10, 6));
        Path broken = adapter("broken", 2, "[\"q_proj\"]", new TinySafetensors());
        Files.write(broken.resolve(PeftAdapterCheck.WEIGHTS), new byte[] {1, 2, 3});
        Path badConfig = adapter("bad-config", 2, "\"q_proj\"", new TinySafetensors());

        assertThatThrownBy(() -> check.check(half)).hasMessageContaining("not its pair");
        assertThatThrownBy(() -> check.check(foreign)).hasMessageContaining("lm_head.weight")
                .hasMessageContaining("not a LoRA factor");
        assertThatThrownBy(() -> check.check(broken)).hasMessageContaining("truncated");
        assertThatThrownBy(() -> check.check(badConfig)).hasMessageContaining("target_modules must be a non-empty list");
    }

    private Path adapter(String name, int rank, String targets, TinySafetensors weights) throws IOException {
        Path a = dir.resolve("adapters").resolve(name);
        Files.createDirectories(a);
        Files.writeString(a.resolve(PeftAdapterCheck.CONFIG), "{\"peft_type\": \"LORA\", \"r\": " + rank
                + ", \"lora_alpha\": " + 2 * rank + ", \"target_modules\": " + targets + "}");
        weights.write(a.resolve(PeftAdapterCheck.WEIGHTS));
        return a;
    }
}
