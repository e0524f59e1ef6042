package ai.mint.training.rl;

import ai.mint.api.SavedCheckpoint;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.Projection;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.TrainingException;
import ai.mint.training.checkpoint.CheckpointStore;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.reward.RewardSpecs;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.service.TrainingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrpoResumeTest {

    @TempDir
    static Path dir;
    @TempDir
    static Path checkpoints;
    static TrainableEngine engine;
    static TrainingService service;
    static RewardScorer scorer;
    static GrpoTrainer trainer;

    @BeforeAll
    static void load() {
        engine = TinyTrainingBase.open(dir, 3L);
        service = new TrainingService(engine, MicroBatchBudget.DEFAULT);
        scorer = new RewardScorer(Duration.ofSeconds(2));
        trainer = new GrpoTrainer(service, scorer);
    }

    @AfterAll
    static void close() {
        scorer.close();
        service.close();
        engine.close();
    }

    private static GrpoPolicy policy(long rngSeed) {
        LoraWeights init = LoraWeights.random(engine.config(), EnumSet.of(Projection.Q, Projection.V, Projection.DOWN),
                4, 8f, 21L, false);
        List<Prompt> prompts = new ArrayList<>();
        for (String t : List.of("x=", "y=", "z=")) {
            prompts.add(new Prompt(engine.encode(t), t, null));
        }
        return new GrpoPolicy(service.createPolicy("resumable", init, rngSeed, LrSchedule.cosine(2, 6, 0.1)).join(),
                RewardSpecs.parse("{\"type\":\"regex\",\"pattern\":\"[0-9]\"}"), prompts,
                GrpoConfig.of(4, 5, 3e-2));
    }

    private static void close(GrpoPolicy p) {
        service.closePolicy(p.state()).join();
    }

    @Test
    void shouldContinueFromSavedStateExactlyAsTheUninterruptedRun() {
        GrpoPolicy straight = policy(99L);
        List<Double> straightRewards = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            straightRewards.add(trainer.step(List.of(straight)).get(0).meanReward());
        }

        CheckpointStore store = new CheckpointStore(checkpoints, service);
        GrpoPolicy first = policy(99L);
        List<Double> resumedRewards = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            resumedRewards.add(trainer.step(List.of(first)).get(0).meanReward());
        }
        SavedCheckpoint saved = store.saveState(first.state(), "step-3", null).join();
        close(first);

        GrpoPolicy resumed = policy(12345L); // a different RNG seed: the saved RNG state must win
        store.loadState(resumed.state(), saved.uri(), true).join();
        assertThat(resumed.state().revision()).isEqualTo(3);
        assertThat(resumed.state().optimizerSteps()).isEqualTo(3);
        for (int s = 3; s < 6; s++) {
            resumedRewards.add(trainer.step(List.of(resumed)).get(0).meanReward());
        }

        assertThat(resumedRewards).containsExactlyElementsOf(straightRewards);
        LoraWeights a = service.exportWeights(straight.state()).join();
        LoraWeights b = service.exportWeights(resumed.state()).join();
        for (var key : a.a().keySet()) { // bit-exact on CPU
            assertThat(b.a().get(key)).as("A of %s", key).containsExactly(a.a().get(key));
            assertThat(b.b().get(key)).as("B of %s", key).containsExactly(a.b().get(key));
        }
        assertThat(resumed.state().nextSeed()).isEqualTo(straight.state().nextSeed()); // same random state
        close(straight);
        close(resumed);
    }

    @Test
    void shouldExportTheAdapterAloneInPeftLayoutAndLoadStateWithoutOptimizer() throws Exception {
        CheckpointStore store = new CheckpointStore(checkpoints, service);
        GrpoPolicy p = policy(1L);
        trainer.step(List.of(p));
        SavedCheckpoint export = store.exportForSampler(p.state(), "rev-1", null).join();
        Path exportDir = store.resolve(export.uri());
        assertThat(export.uri()).isEqualTo("mint://resumable/sampler/rev-1");
        assertThat(Files.exists(exportDir.resolve(PeftAdapterIo.CONFIG))).isTrue();
        assertThat(export.sha256()).isEqualTo(PeftAdapterIo.sha256(exportDir.resolve(PeftAdapterIo.WEIGHTS)));
        LoraWeights reread = PeftAdapterIo.read(exportDir, engine.config());
        LoraWeights now = service.exportWeights(p.state()).join();
        for (var key : now.a().keySet()) {
            assertThat(reread.a().get(key)).containsExactly(now.a().get(key));
            assertThat(reread.b().get(key)).containsExactly(now.b().get(key));
        }

        SavedCheckpoint state = store.saveState(p.state(), "s1", null).join();
        GrpoPolicy fresh = policy(1L);
        store.loadState(fresh.state(), state.uri(), false).join();
        assertThat(fresh.state().optimizerSteps()).isZero(); // weights only; optimizer starts over
        assertThat(service.exportWeights(fresh.state()).join().b().values().iterator().next())
                .containsExactly(now.b().values().iterator().next());
        assertThatThrownBy(() -> store.loadState(fresh.state(), export.uri(), true)).isInstanceOf(TrainingException.class)
                .hasMessageContaining("sampler export");
        assertThatThrownBy(() -> store.loadState(fresh.state(), "mint://resumable/state/../../etc", true))
                .hasMessageContaining("must look like");
        close(p);
        close(fresh);
    }
}
