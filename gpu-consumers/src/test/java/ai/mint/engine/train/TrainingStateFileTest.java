package ai.mint.engine.train;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;
import ai.mint.engine.EngineException;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyBatch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a training state: what it restores, what it clears, and how it refuses a damaged file. */
class TrainingStateFileTest extends MicroTrainerTest {

    private static DevicePolicy policy(String id, boolean rsLora, long seed) {
        LoraWeights w = LoraWeights.random(model.config(), EnumSet.of(Projection.Q, Projection.V), 4, 8f, seed, true);
        return (DevicePolicy) trainer.createPolicy(id, new LoraWeights(4, 8f, rsLora, w.targets(), w.a(), w.b()));
    }

    private static void forwardBackward(DevicePolicy p) {
        Datum d = Datum.supervised(new int[]{72, 101, 108, 108, 111, 33}, 2);
        trainer.forwardBackward(List.of(new PolicyBatch(p, List.of(d), LossFunction.CROSS_ENTROPY,
                LossConfig.DEFAULT)), MicroBatchBudget.DEFAULT);
    }

    private static void write(DevicePolicy p, Path to) {
        TrainingStateFile.write(p, mkdirs(to), Map.of("policy_id", p.policyId()));
    }

    private static void read(DevicePolicy target, Path from, boolean withOptimizer) {
        TrainingStateFile.restore(target, TrainingStateFile.read(from), withOptimizer);
    }

    /** A copy of the state file in {@code to}, without the named tensors and metadata keys. */
    private static Path copyWithout(Path from, Path to, Set<String> dropTensors, Set<String> dropMeta) throws Exception {
        Files.createDirectories(to);
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsReader r = SafetensorsReader.open(from.resolve(TrainingStateFile.FILE))) {
            for (Map.Entry<String, String> e : r.metadata().entrySet()) {
                if (!dropMeta.contains(e.getKey())) {
                    w.metadata(e.getKey(), e.getValue());
                }
            }
            for (String name : r.names()) {
                if (!dropTensors.contains(name)) {
                    HostTensor t = r.read(name);
                    w.add(name, t.shape(), t.floats());
                }
            }
        }
        w.write(to.resolve(TrainingStateFile.FILE));
        return to;
    }

    @Test
    void shouldKeepRsLoraThroughASaveAndRefuseToLoadItIntoAPlainPolicy() {
        Path saved = dir.resolve("rs");
        try (DevicePolicy rs = policy("rs", true, 1); DevicePolicy other = policy("other", true, 2);
             DevicePolicy plain = policy("plain", false, 3)) {
            write(rs, saved);
            read(other, saved, true);
            LoraWeights restored = trainer.exportWeights(other);
            LoraWeights original = trainer.exportWeights(rs);
            assertThat(restored.rsLora()).isTrue();
            assertThat(restored.scale()).isEqualTo(original.scale()).isEqualTo(4f);
            assertThat(restored.b()).containsOnlyKeys(original.b().keySet());
            original.b().forEach((key, b) -> assertThat(restored.b().get(key)).containsExactly(b));
            assertThatThrownBy(() -> read(plain, saved, false))
                    .isInstanceOf(EngineException.class).hasMessageContaining("rsLoRA");
        }
    }

    @Test
    void shouldDropGradientsAccumulatedBeforeTheLoad() {
        Path saved = dir.resolve("clear");
        try (DevicePolicy p = policy("p", false, 4)) {
            write(p, saved);
            forwardBackward(p);
            assertThat(p.accumulatedGradients()).isNotEmpty();
            read(p, saved, false);
            assertThat(p.accumulatedGradients()).isEmpty();
            // so a step right after the load is refused instead of applying stale gradients to the loaded weights
            assertThatThrownBy(() -> trainer.optimStep(p, AdamConfig.of(1e-2)))
                    .hasMessageContaining("without a forward/backward");
        }
    }

    @Test
    void shouldNameTheParametersWhoseAdamMomentsAreMissing() throws Exception {
        Path saved = dir.resolve("adam");
        try (DevicePolicy p = policy("p", false, 5); DevicePolicy target = policy("t", false, 6)) {
            forwardBackward(p);
            trainer.optimStep(p, AdamConfig.of(1e-2));
            write(p, saved);
            Path damaged = copyWithout(saved, dir.resolve("adam-damaged"),
                    Set.of("adam.m.1.v_proj.A", "adam.v.1.v_proj.A"), Set.of());
            assertThatThrownBy(() -> read(target, damaged, true))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("adam.m.1.v_proj.A").hasMessageContaining("adam.v.1.v_proj.A");
            // weights-only loading does not need the moments
            read(target, damaged, false);
            assertThat(target.optimizerSteps()).isZero();
        }
    }

    @Test
    void shouldNameAMissingMetadataKey() throws Exception {
        Path saved = dir.resolve("meta");
        try (DevicePolicy p = policy("p", false, 7); DevicePolicy target = policy("t", false, 8)) {
            write(p, saved);
            float[] before = trainer.exportWeights(target).b().values().iterator().next();
            Path noRank = copyWithout(saved, dir.resolve("no-rank"), Set.of(), Set.of("rank"));
            assertThatThrownBy(() -> read(target, noRank, false))
                    .isInstanceOf(EngineException.class).hasMessageContaining("'rank'");
            Path noStep = copyWithout(saved, dir.resolve("no-step"), Set.of(), Set.of("adam_step"));
            assertThatThrownBy(() -> read(target, noStep, true))
                    .isInstanceOf(EngineException.class).hasMessageContaining("'adam_step'");
            // the failed loads changed nothing: the target still holds its own weights
            assertThat(trainer.exportWeights(target).b().values().iterator().next()).containsExactly(before);
        }
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
