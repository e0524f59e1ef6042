package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** GRPO is PPO under another wire name, by construction rather than by a copied branch. */
class LossFunctionTest {

    @Test
    void shouldResolveGrpoAsAnAliasOfPpo() {
        assertThat(LossFunction.GRPO.isAlias()).isTrue();
        assertThat(LossFunction.GRPO.canonical()).isSameAs(LossFunction.PPO);
        assertThat(LossFunction.fromName("GRPO")).isSameAs(LossFunction.GRPO);
        assertThat(LossFunction.GRPO.wireName()).isEqualTo("grpo"); // the update request's default loss_fn
        for (LossFunction f : LossFunction.values()) {
            if (f != LossFunction.GRPO) {
                assertThat(f.isAlias()).as(f.wireName()).isFalse();
                assertThat(f.canonical()).isSameAs(f);
            }
            assertThat(f.needsSamplingLogprobs()).isEqualTo(f.canonical().needsSamplingLogprobs());
        }
    }

    @Test
    void shouldComputeThePpoLossForGrpo() {
        try (NDManager m = NDManager.newBaseManager()) {
            // ratios on both sides of the clip range and advantages of both signs
            TokenLossInputs in = new TokenLossInputs(m.create(new float[][]{{-1.0f, -2.5f, -0.2f}}),
                    m.create(new float[][]{{1f, 1f, 1f}}), m.create(new float[][]{{-1.5f, -2.0f, -0.2f}}),
                    m.create(new float[][]{{1.5f, -0.7f, 0.3f}}), null);
            LossConfig config = LossConfig.DEFAULT;
            NDArray grpo = PolicyLoss.perToken(LossFunction.GRPO, config, in);
            NDArray ppo = PolicyLoss.perToken(LossFunction.PPO, config, in);
            NDArray is = PolicyLoss.perToken(LossFunction.IMPORTANCE_SAMPLING, config, in);
            assertThat(grpo.toFloatArray()).containsExactly(ppo.toFloatArray());
            // the clip is active on the first token, so GRPO is not merely the unclipped objective
            assertThat(grpo.toFloatArray()[0]).isNotEqualTo(is.toFloatArray()[0]);
        }
    }
}
