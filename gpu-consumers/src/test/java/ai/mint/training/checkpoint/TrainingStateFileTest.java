package ai.mint.training.checkpoint;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;
import ai.mint.training.TrainingException;
import ai.mint.training.step.MultiPolicyStep;
import ai.mint.training.step.PolicyBatch;
import ai.mint.training.step.PolicyOptimizer;
import ai.mint.training.step.PolicyState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a training state: what it restores, what it clears, and how it refuses a damaged file. */
class TrainingStateFileTest {

    @TempDir
    static Path dir;
    static DecoderModel model;

    @BeforeAll
    static void load() {
        model = TestModels.create(dir.resolve("base"), TestModels.microDense(), 13L);
    }

    @AfterAll
    static void close() {
        model.base().close();
    }

    private static PolicyState policy(String id, boolean rsLora, long seed) {
        LoraWeights w = LoraWeights.random(model.config(), EnumSet.of(Projection.Q, Projection.V), 4, 8f, seed, true);
        return new PolicyState(id, model.config(), new LoraWeights(4, 8f, rsLora, w.targets(), w.a(), w.b()),
                model.base().manager(), seed);
    }

    private static void forwardBackward(PolicyState p) {
        Datum d = Datum.supervised(new int[]{72, 101, 108, 108, 111, 33}, 2);
        MultiPolicyStep.forwardBackward(model, List.of(new PolicyBatch(p, List.of(d), LossFunction.CROSS_ENTROPY,
                LossConfig.DEFAULT)));
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
        try (PolicyState rs = policy("rs", true, 1); PolicyState other = policy("other", true, 2);
             PolicyState plain = policy("plain", false, 3)) {
            TrainingStateFile.write(rs, mkdirs(saved));
            TrainingStateFile.read(other, saved, true);
            LoraWeights restored = other.snapshot();
            assertThat(restored.rsLora()).isTrue();
            assertThat(restored.scale()).isEqualTo(rs.snapshot().scale()).isEqualTo(4f);
            assertThat(restored.b()).containsOnlyKeys(rs.snapshot().b().keySet());
            rs.snapshot().b().forEach((key, b) -> assertThat(restored.b().get(key)).containsExactly(b));
            assertThatThrownBy(() -> TrainingStateFile.read(plain, saved, false))
                    .isInstanceOf(TrainingException.class).hasMessageContaining("rsLoRA");
        }
    }

    @Test
    void shouldDropGradientsAccumulatedBeforeTheLoad() {
        Path saved = dir.resolve("clear");
        try (PolicyState p = policy("p", false, 4)) {
            TrainingStateFile.write(p, mkdirs(saved));
            forwardBackward(p);
            assertThat(p.accumulatedGradients()).isNotEmpty();
            TrainingStateFile.read(p, saved, false);
            assertThat(p.accumulatedGradients()).isEmpty();
            // so a step right after the load is refused instead of applying stale gradients to the loaded weights
            assertThatThrownBy(() -> PolicyOptimizer.step(p, AdamConfig.of(1e-2)))
                    .hasMessageContaining("without a forward/backward");
        }
    }

    @Test
    void shouldNameTheParametersWhoseAdamMomentsAreMissing() throws Exception {
        Path saved = dir.resolve("adam");
        try (PolicyState p = policy("p", false, 5); PolicyState target = policy("t", false, 6)) {
            forwardBackward(p);
            PolicyOptimizer.step(p, AdamConfig.of(1e-2));
            TrainingStateFile.write(p, mkdirs(saved));
            Path damaged = copyWithout(saved, dir.resolve("adam-damaged"),
                    Set.of("adam.m.1.v_proj.A", "adam.v.1.v_proj.A"), Set.of());
            assertThatThrownBy(() -> TrainingStateFile.read(target, damaged, true))
                    .isInstanceOf(TrainingException.class)
                    .hasMessageContaining("adam.m.1.v_proj.A").hasMessageContaining("adam.v.1.v_proj.A");
            // weights-only loading does not need the moments
            TrainingStateFile.read(target, damaged, false);
            assertThat(target.adam().step()).isZero();
        }
    }

    @Test
    void shouldNameAMissingMetadataKey() throws Exception {
        Path saved = dir.resolve("meta");
        try (PolicyState p = policy("p", false, 7); PolicyState target = policy("t", false, 8)) {
            TrainingStateFile.write(p, mkdirs(saved));
            Path noRank = copyWithout(saved, dir.resolve("no-rank"), Set.of(), Set.of("rank"));
            assertThatThrownBy(() -> TrainingStateFile.read(target, noRank, false))
                    .isInstanceOf(TrainingException.class).hasMessageContaining("'rank'");
            Path noStep = copyWithout(saved, dir.resolve("no-step"), Set.of(), Set.of("adam_step"));
            assertThatThrownBy(() -> TrainingStateFile.read(target, noStep, true))
                    .isInstanceOf(TrainingException.class).hasMessageContaining("'adam_step'");
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
