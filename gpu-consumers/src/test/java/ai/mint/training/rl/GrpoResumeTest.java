package ai.mint.training.rl;

import ai.djl.ndarray.NDArray;
import ai.mint.api.SavedCheckpoint;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.TrainingException;
import ai.mint.training.checkpoint.CheckpointStore;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.reward.RewardSpecs;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.rollout.TokenText;
import ai.mint.training.step.PolicyState;
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
    static DecoderModel model;
    static TokenText text;
    static RewardScorer scorer;
    static GrpoTrainer trainer;

    @BeforeAll
    static void load() {
        model = TinyTrainingBase.create(dir, 3L);
        text = TokenText.open(dir);
        scorer = new RewardScorer(Duration.ofSeconds(2));
        trainer = new GrpoTrainer(model, new RolloutSampler(model, text), scorer);
    }

    @AfterAll
    static void close() {
        scorer.close();
        text.close();
        model.base().close();
    }

    private static GrpoPolicy policy(long rngSeed) {
        LoraWeights init = LoraWeights.random(model.config(), EnumSet.of(Projection.Q, Projection.V, Projection.DOWN),
                4, 8f, 21L, false);
        List<Prompt> prompts = new ArrayList<>();
        for (String t : List.of("x=", "y=", "z=")) {
            prompts.add(new Prompt(text.encode(t), t, null));
        }
        return new GrpoPolicy(new PolicyState("resumable", model.config(), init, model.base().manager(), rngSeed),
                RewardSpecs.parse("{\"type\":\"regex\",\"pattern\":\"[0-9]\"}"), prompts,
                GrpoConfig.of(4, 5, 3e-2).withSchedule(ai.mint.training.grpo.LrSchedule.cosine(2, 6, 0.1)));
    }

    @Test
    void shouldContinueFromSavedStateExactlyAsTheUninterruptedRun() {
        GrpoPolicy straight = policy(99L);
        List<Double> straightRewards = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            straightRewards.add(trainer.step(List.of(straight)).get(0).meanReward());
        }

        CheckpointStore store = new CheckpointStore(checkpoints);
        GrpoPolicy first = policy(99L);
        List<Double> resumedRewards = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            resumedRewards.add(trainer.step(List.of(first)).get(0).meanReward());
        }
        SavedCheckpoint saved = store.saveState(first.state(), "step-3");
        first.state().close();

        GrpoPolicy resumed = policy(12345L); // a different RNG seed: the saved RNG state must win
        store.loadState(resumed.state(), saved.uri(), true);
        assertThat(resumed.state().revision()).isEqualTo(3);
        assertThat(resumed.state().adam().step()).isEqualTo(3);
        for (int s = 3; s < 6; s++) {
            resumedRewards.add(trainer.step(List.of(resumed)).get(0).meanReward());
        }

        assertThat(resumedRewards).containsExactlyElementsOf(straightRewards);
        for (String name : straight.state().parameters().keySet()) {
            NDArray a = straight.state().parameters().get(name);
            NDArray b = resumed.state().parameters().get(name);
            assertThat(a.toFloatArray()).as(name).containsExactly(b.toFloatArray()); // bit-exact on CPU
        }
        assertThat(resumed.state().rng().state()).isEqualTo(straight.state().rng().state());
        straight.state().close();
        resumed.state().close();
    }

    @Test
    void shouldExportTheAdapterAloneInPeftLayoutAndLoadStateWithoutOptimizer() throws Exception {
        CheckpointStore store = new CheckpointStore(checkpoints);
        GrpoPolicy p = policy(1L);
        trainer.step(List.of(p));
        SavedCheckpoint export = store.exportForSampler(p.state(), "rev-1");
        Path exportDir = store.resolve(export.uri());
        assertThat(export.uri()).isEqualTo("mint://resumable/sampler/rev-1");
        assertThat(Files.exists(exportDir.resolve(PeftAdapterIo.CONFIG))).isTrue();
        assertThat(export.sha256()).isEqualTo(PeftAdapterIo.sha256(exportDir.resolve(PeftAdapterIo.WEIGHTS)));
        LoraWeights reread = PeftAdapterIo.read(exportDir, model.config());
        LoraWeights now = p.state().snapshot();
        for (var key : now.a().keySet()) {
            assertThat(reread.a().get(key)).containsExactly(now.a().get(key));
            assertThat(reread.b().get(key)).containsExactly(now.b().get(key));
        }

        SavedCheckpoint state = store.saveState(p.state(), "s1");
        GrpoPolicy fresh = policy(1L);
        store.loadState(fresh.state(), state.uri(), false);
        assertThat(fresh.state().adam().step()).isZero(); // weights only; optimizer starts over
        assertThat(fresh.state().snapshot().b().values().iterator().next())
                .containsExactly(now.b().values().iterator().next());
        assertThatThrownBy(() -> store.loadState(fresh.state(), export.uri(), true)).isInstanceOf(TrainingException.class)
                .hasMessageContaining("sampler export");
        assertThatThrownBy(() -> store.loadState(fresh.state(), "mint://resumable/state/../../etc", true))
                .hasMessageContaining("must look like");
        p.state().close();
        fresh.state().close();
    }
}
