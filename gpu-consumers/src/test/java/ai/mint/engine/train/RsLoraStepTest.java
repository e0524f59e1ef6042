package ai.mint.engine.train;

import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.PolicyStepResult;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An rsLoRA policy (scale alpha / sqrt(r)) must train at that scale, not at plain LoRA's alpha / r. */
class RsLoraStepTest extends MicroTrainerTest {

    private static DevicePolicy policy(LoraWeights factors, float alpha, boolean rsLora) {
        LoraWeights w = new LoraWeights(factors.rank(), alpha, rsLora, factors.targets(), factors.a(), factors.b());
        return (DevicePolicy) trainer.createPolicy(rsLora ? "rs" : "plain", w);
    }

    private static PolicyStepResult step(DevicePolicy p) {
        return trainer.forwardBackward(List.of(new PolicyBatch(p, StepFixtures.rollouts(5, 3),
                LossFunction.CROSS_ENTROPY, LossConfig.DEFAULT)), MicroBatchBudget.DEFAULT).get(0);
    }

    @Test
    void shouldTrainAnRsLoraPolicyAtAlphaOverSqrtRank() {
        LoraWeights factors = LoraWeights.random(model.config(), EnumSet.of(Projection.Q, Projection.V), 4, 8f, 3, true);
        // rank 4: rsLoRA alpha 8 scales by 8/2 = 4, exactly like plain LoRA with alpha 16 (16/4); plain alpha 8 is 2
        try (DevicePolicy rs = policy(factors, 8f, true);
             DevicePolicy samePlain = policy(factors, 16f, false);
             DevicePolicy halfPlain = policy(factors, 8f, false)) {
            assertThat(rs.rsLora()).isTrue();
            assertThat(trainer.exportWeights(rs).rsLora()).isTrue();
            assertThat(trainer.exportWeights(rs).scale()).isEqualTo(4f);

            PolicyStepResult rsResult = step(rs);
            PolicyStepResult sameResult = step(samePlain);
            PolicyStepResult halfResult = step(halfPlain);
            assertThat(rsResult.loss()).isCloseTo(sameResult.loss(), Offset.offset(1e-6));
            for (int row = 0; row < rsResult.logprobs().length; row++) {
                assertThat(rsResult.logprobs()[row]).containsExactly(sameResult.logprobs()[row], Offset.offset(1e-6f));
            }
            // and the scale does matter here, so the equality above is not vacuous
            assertThat(Math.abs(rsResult.loss() - halfResult.loss())).isGreaterThan(1e-4);
        }
    }
}
