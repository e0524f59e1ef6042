package ai.mint.engine.train;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.PolicyStepResult;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static ai.mint.engine.train.StepFixtures.assertSameArrays;
import static ai.mint.engine.train.StepFixtures.fourPolicies;
import static ai.mint.engine.train.StepFixtures.maxAbsDiff;
import static ai.mint.engine.train.StepFixtures.rollouts;
import static ai.mint.engine.train.StepFixtures.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiPolicyStepTest extends MicroTrainerTest {

    /** float32 round-off of a batched vs a single forward/backward; updates are ~1e-2, so this is 4-5 digits. */
    static final float TOLERANCE = 2e-6f;

    /** 3+4+5+6 rows: 5-row micro-batches put rows of two or three policies into one pass and split b, c and d. */
    static final MicroBatchBudget MIXED = new MicroBatchBudget(5, 4096);

    @Test
    void shouldGiveEachPolicyTheSameUpdateAsTrainingItAlone() {
        List<DevicePolicy> together = fourPolicies(trainer, model);
        List<DevicePolicy> alone = fourPolicies(trainer, model);
        AdamConfig adam = AdamConfig.of(1e-2);
        for (int step = 0; step < 2; step++) {
            List<PolicyBatch> joint = work(together, step);
            List<PolicyStepResult> jointResults = trainer.forwardBackward(joint, MIXED);
            List<PolicyBatch> single = work(alone, step);
            for (int k = 0; k < single.size(); k++) { // each policy alone, in one pass
                PolicyStepResult r = trainer.forwardBackward(List.of(single.get(k)), MicroBatchBudget.UNLIMITED).get(0);
                assertThat(jointResults.get(k).loss()).isCloseTo(r.loss(), Offset.offset(1e-5));
                assertThat(jointResults.get(k).metrics()).containsOnlyKeys(r.metrics().keySet());
            }
            for (int k = 0; k < together.size(); k++) {
                assertSameArrays(together.get(k).accumulatedGradients(), alone.get(k).accumulatedGradients(), 1e-5f);
                trainer.optimStep(together.get(k), adam);
                trainer.optimStep(alone.get(k), adam);
            }
        }
        for (int k = 0; k < together.size(); k++) {
            assertThat(together.get(k).optimizerSteps()).isEqualTo(2);
            assertSameArrays(together.get(k).factors().parameters(), alone.get(k).factors().parameters(), TOLERANCE);
        }
        // and the update is real: the weights moved away from the initial adapter
        DevicePolicy fresh = fourPolicies(trainer, model).get(0);
        float moved = maxAbsDiff(fresh.factors().parameters().get("0.q_proj.B"),
                together.get(0).factors().parameters().get("0.q_proj.B"));
        assertThat(moved).isGreaterThan(1e-3f);
        fresh.close();
        together.forEach(DevicePolicy::close);
        alone.forEach(DevicePolicy::close);
    }

    @Test
    void shouldAccumulateGradientsOfSeveralForwardBackwardsUntilTheOptimizerStep() {
        List<DevicePolicy> twice = fourPolicies(trainer, model);
        List<DevicePolicy> once = fourPolicies(trainer, model);
        trainer.forwardBackward(work(twice, 0), MIXED);
        trainer.forwardBackward(work(twice, 0), MIXED);
        trainer.forwardBackward(work(once, 0), MicroBatchBudget.UNLIMITED);
        for (int k = 0; k < twice.size(); k++) {
            var two = twice.get(k).accumulatedGradients();
            var one = once.get(k).accumulatedGradients();
            assertThat(two.keySet()).isEqualTo(one.keySet()).isNotEmpty();
            for (String name : one.keySet()) {
                float[] t = two.get(name).toFloatArray();
                float[] o = one.get(name).toFloatArray();
                for (int i = 0; i < o.length; i++) {
                    assertThat(t[i]).as("%s[%d] of %s", name, i, once.get(k).policyId())
                            .isCloseTo(2 * o[i], Offset.offset(1e-5f));
                }
            }
        }
        twice.forEach(DevicePolicy::close);
        once.forEach(DevicePolicy::close);
    }

    @Test
    void shouldLeaveNoGradientBehindWhenAStepFails() {
        List<DevicePolicy> policies = fourPolicies(trainer, model);
        List<PolicyBatch> batches = work(policies, 0);
        // a batch that passes validation but whose forward fails: a length past the model's rotary table
        int[] tooLong = new int[model.maxPositions() + 2];
        java.util.Arrays.fill(tooLong, 65);
        PolicyBatch broken = new PolicyBatch(policies.get(3), List.of(Datum.supervised(tooLong, 1)),
                LossFunction.CROSS_ENTROPY, LossConfig.DEFAULT);
        assertThatThrownBy(() -> trainer.forwardBackward(List.of(batches.get(0), batches.get(1), batches.get(2),
                broken), MIXED)).isNotNull();
        policies.forEach(p -> assertThat(p.hasGradients()).as(p.policyId()).isFalse());
        // the factors' own .grad was zeroed too: the same step afterwards equals a clean one
        List<DevicePolicy> clean = fourPolicies(trainer, model);
        trainer.forwardBackward(work(policies, 0), MIXED);
        trainer.forwardBackward(work(clean, 0), MIXED);
        for (int k = 0; k < policies.size(); k++) {
            assertSameArrays(policies.get(k).accumulatedGradients(), clean.get(k).accumulatedGradients(), 0f);
        }
        policies.forEach(DevicePolicy::close);
        clean.forEach(DevicePolicy::close);
    }

    @Test
    void shouldRefuseAnOptimizerStepWithoutGradientsAndAPolicyTwiceInOneStep() {
        DevicePolicy p = fourPolicies(trainer, model).get(0);
        assertThatThrownBy(() -> trainer.optimStep(p, AdamConfig.of(1e-3))).hasMessageContaining("without a forward/backward");
        PolicyBatch b = new PolicyBatch(p, rollouts(1, 2), LossFunction.PPO, LossConfig.DEFAULT);
        assertThatThrownBy(() -> trainer.forwardBackward(List.of(b, b), MIXED)).hasMessageContaining("twice");
        assertThatThrownBy(() -> new PolicyBatch(p, List.of(Datum.supervised(new int[]{1, 2, 3}, 1)), LossFunction.PPO,
                LossConfig.DEFAULT)).hasMessageContaining("lacks the sampling log-probs");
        p.close();
        assertThatThrownBy(() -> trainer.optimStep(p, AdamConfig.of(1e-3))).hasMessageContaining("closed");
    }
}
