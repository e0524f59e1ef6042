package ai.mint.training.step;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.TestModels;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static ai.mint.training.step.StepFixtures.assertSameArrays;
import static ai.mint.training.step.StepFixtures.fourPolicies;
import static ai.mint.training.step.StepFixtures.maxAbsDiff;
import static ai.mint.training.step.StepFixtures.rollouts;
import static ai.mint.training.step.StepFixtures.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiPolicyStepTest {

    /** float32 round-off of a batched vs a single forward/backward; updates are ~1e-2, so this is 4-5 digits. */
    static final float TOLERANCE = 2e-6f;

    /** 3+4+5+6 rows: 5-row micro-batches put rows of two or three policies into one pass and split b, c and d. */
    static final MicroBatchBudget MIXED = new MicroBatchBudget(5, 4096);

    @TempDir
    static Path dir;
    static DecoderModel model;

    @BeforeAll
    static void load() {
        model = TestModels.create(dir, TestModels.microDense(), 11L);
    }

    @AfterAll
    static void close() {
        model.base().close();
    }

    @Test
    void shouldGiveEachPolicyTheSameUpdateAsTrainingItAlone() {
        List<PolicyState> together = fourPolicies(model);
        List<PolicyState> alone = fourPolicies(model);
        AdamConfig adam = AdamConfig.of(1e-2);
        for (int step = 0; step < 2; step++) {
            List<PolicyBatch> joint = work(together, step);
            List<PolicyStepResult> jointResults = MultiPolicyStep.forwardBackward(model, joint, MIXED);
            List<PolicyBatch> single = work(alone, step);
            for (int k = 0; k < single.size(); k++) { // each policy alone, in one pass
                PolicyStepResult r = MultiPolicyStep.forwardBackward(model, List.of(single.get(k)),
                        MicroBatchBudget.UNLIMITED).get(0);
                assertThat(jointResults.get(k).loss()).isCloseTo(r.loss(), Offset.offset(1e-5));
                assertThat(jointResults.get(k).metrics()).containsOnlyKeys(r.metrics().keySet());
            }
            for (int k = 0; k < together.size(); k++) {
                assertSameArrays(together.get(k).accumulatedGradients(), alone.get(k).accumulatedGradients(), 1e-5f);
                PolicyOptimizer.step(together.get(k), adam);
                PolicyOptimizer.step(alone.get(k), adam);
            }
        }
        for (int k = 0; k < together.size(); k++) {
            assertThat(together.get(k).revision()).isEqualTo(2);
            assertSameArrays(together.get(k).parameters(), alone.get(k).parameters(), TOLERANCE);
            assertThat(together.get(k).adam().step()).isEqualTo(2);
        }
        // and the update is real: the weights moved away from the initial adapter
        PolicyState fresh = fourPolicies(model).get(0);
        float moved = maxAbsDiff(fresh.parameters().get("0.q_proj.B"), together.get(0).parameters().get("0.q_proj.B"));
        assertThat(moved).isGreaterThan(1e-3f);
        fresh.close();
        together.forEach(PolicyState::close);
        alone.forEach(PolicyState::close);
    }

    @Test
    void shouldRefuseAnOptimizerStepWithoutGradientsAndAPolicyTwiceInOneStep() {
        PolicyState p = fourPolicies(model).get(0);
        assertThatThrownBy(() -> PolicyOptimizer.step(p, AdamConfig.of(1e-3))).hasMessageContaining("without a forward/backward");
        PolicyBatch b = new PolicyBatch(p, rollouts(1, 2), LossFunction.PPO, LossConfig.DEFAULT);
        assertThatThrownBy(() -> MultiPolicyStep.forwardBackward(model, List.of(b, b))).hasMessageContaining("twice");
        assertThatThrownBy(() -> new PolicyBatch(p, List.of(Datum.supervised(new int[]{1, 2, 3}, 1)), LossFunction.PPO,
                LossConfig.DEFAULT)).hasMessageContaining("lacks the sampling log-probs");
        p.close();
    }
}
