package ai.mint.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class PolicyLossTest {

    private static final float[][] LOGP = {{-1.0f, -0.5f, -2.0f}, {-0.2f, -1.5f, -0.7f}, {-0.9f, -0.1f, -3.0f}, {-1.2f, -0.4f, -0.6f}};
    private static final float[][] OLD = {{-1.3f, -0.5f, -1.0f}, {-0.1f, -1.0f, -0.7f}, {-0.9f, -0.4f, -2.0f}, {-1.0f, -0.5f, -0.6f}};
    private static final float[][] BASE = {{-1.1f, -0.7f, -2.2f}, {-0.3f, -1.2f, -0.9f}, {-1.0f, -0.2f, -2.5f}, {-1.1f, -0.6f, -0.5f}};
    private static final float[][] MASK = {{1, 1, 0}, {1, 1, 1}, {1, 0, 0}, {1, 1, 1}};
    private static final float[] ADV = {1.5f, -0.5f, 2.0f, -1.0f};

    private static TokenLossInputs inputs(NDManager m, NDArray logp, int from, int to) {
        NDIndex rows = new NDIndex(from + ":" + to);
        float[][] adv = new float[LOGP.length][3];
        for (int r = 0; r < adv.length; r++) {
            java.util.Arrays.fill(adv[r], ADV[r]);
        }
        return new TokenLossInputs(logp, m.create(MASK).get(rows), m.create(OLD).get(rows), m.create(adv).get(rows),
                m.create(BASE).get(rows));
    }

    @Test
    void shouldComputeTheClippedSurrogateAndKlPerTokenAsWrittenOnPaper() {
        LossConfig config = new LossConfig(0.2, 0.2, 0.1);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] got = PolicyLoss.perToken(LossFunction.PPO, config, inputs(m, m.create(LOGP), 0, 4)).toFloatArray();
            for (int r = 0; r < 4; r++) {
                for (int t = 0; t < 3; t++) {
                    double ratio = Math.exp(LOGP[r][t] - OLD[r][t]);
                    double clipped = Math.min(Math.max(ratio, 0.8), 1.2);
                    double surrogate = -Math.min(ratio * ADV[r], clipped * ADV[r]);
                    double d = BASE[r][t] - LOGP[r][t];
                    double k3 = Math.exp(d) - d - 1;
                    assertThat(k3).isGreaterThanOrEqualTo(0);
                    assertThat((double) got[r * 3 + t]).isCloseTo((surrogate + 0.1 * k3) * MASK[r][t], offset(1e-5));
                }
            }
            float[] is = PolicyLoss.perToken(LossFunction.IMPORTANCE_SAMPLING, LossConfig.DEFAULT,
                    inputs(m, m.create(LOGP), 0, 4)).toFloatArray();
            assertThat((double) is[2 * 3]).isCloseTo(-Math.exp(LOGP[2][0] - OLD[2][0]) * ADV[2], offset(1e-5));
            float[] ce = PolicyLoss.perToken(LossFunction.CROSS_ENTROPY, LossConfig.DEFAULT,
                    inputs(m, m.create(LOGP), 0, 4)).toFloatArray();
            assertThat(ce[1]).isEqualTo(0.5f);
            assertThat(ce[2]).isZero(); // masked
        }
    }

    /** CISPO and DRO, value and gradient per token, against the formulas (Tinker's loss docs) computed by hand. */
    @Test
    void shouldComputeCispoAndDroAndTheirGradientsAsWrittenOnPaper() {
        LossConfig config = new LossConfig(0.2, 0.2, 0.0, 0.3);
        try (NDManager m = NDManager.newBaseManager()) {
            for (LossFunction fn : java.util.List.of(LossFunction.CISPO, LossFunction.DRO)) {
                NDArray logp = m.create(LOGP);
                logp.setRequiresGradient(true);
                float[] value;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray perToken = PolicyLoss.perToken(fn, config, inputs(m, logp, 0, 4));
                    value = perToken.toFloatArray();
                    gc.backward(perToken.sum());
                }
                float[] grad = logp.getGradient().toFloatArray();
                for (int r = 0; r < 4; r++) {
                    for (int t = 0; t < 3; t++) {
                        double l = LOGP[r][t];
                        double q = OLD[r][t];
                        double a = ADV[r];
                        double w = MASK[r][t];
                        double want;
                        double wantGrad;
                        if (fn == LossFunction.CISPO) {
                            double clipped = Math.min(Math.max(Math.exp(l - q), 0.8), 1.2);
                            want = -clipped * l * a;
                            wantGrad = -clipped * a; // the clipped ratio is held constant
                        } else {
                            want = -(l * a - 0.5 * 0.3 * (l - q) * (l - q));
                            wantGrad = -a + 0.3 * (l - q);
                        }
                        assertThat((double) value[r * 3 + t]).as("%s value [%d,%d]", fn, r, t)
                                .isCloseTo(want * w, offset(1e-5));
                        assertThat((double) grad[r * 3 + t]).as("%s gradient [%d,%d]", fn, r, t)
                                .isCloseTo(wantGrad * w, offset(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void shouldGiveEachPolicyTheGradientOfItsOwnTokenMeanLoss() {
        LossConfig config = new LossConfig(0.2, 0.2, 0.05);
        try (NDManager m = NDManager.newBaseManager()) {
            // both policies in one batch: rows 0-1 are policy 0, rows 2-3 policy 1
            NDArray joint = m.create(LOGP);
            joint.setRequiresGradient(true);
            PolicyLoss.Result together;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                together = PolicyLoss.reduce(LossFunction.GRPO, config, inputs(m, joint, 0, 4), new int[]{0, 0, 1, 1}, 2);
                gc.backward(together.total());
            }
            float[] jointGrad = joint.getGradient().toFloatArray();

            for (int policy = 0; policy < 2; policy++) {
                NDArray alone = m.create(LOGP).get(new NDIndex(policy * 2 + ":" + (policy * 2 + 2)));
                alone.setRequiresGradient(true);
                PolicyLoss.Result single;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    single = PolicyLoss.reduce(LossFunction.GRPO, config, inputs(m, alone, policy * 2, policy * 2 + 2),
                            new int[]{0, 0}, 1);
                    gc.backward(single.total());
                }
                float[] aloneGrad = alone.getGradient().toFloatArray();
                for (int i = 0; i < aloneGrad.length; i++) {
                    assertThat(jointGrad[policy * 6 + i]).isCloseTo(aloneGrad[i], offset(1e-7f));
                }
                assertThat(together.perPolicyLoss()[policy]).isCloseTo(single.perPolicyLoss()[0], offset(1e-6));
                assertThat(together.perPolicyKl()[policy]).isCloseTo(single.perPolicyKl()[0], offset(1e-6));
            }
            assertThat(together.perPolicyTokens()).containsExactly(5, 4);
            assertThat((double) together.total().getFloat())
                    .isCloseTo(together.perPolicyLoss()[0] + together.perPolicyLoss()[1], offset(1e-5));
        }
    }

    /**
     * DJL's {@code mul(Number)} wraps the scalar in a Java buffer that it frees right after the op although autograd
     * kept it for backward; a garbage collection between forward and backward then let other data overwrite the KL
     * weight (gradients of 1e9 and more). Here the collector runs, and new arrays reuse freed memory, before backward.
     */
    @Test
    void shouldKeepTheKlGradientWhenMemoryIsCollectedBetweenForwardAndBackward() throws InterruptedException {
        LossConfig config = new LossConfig(0.2, 0.2, 0.5);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] reference = klLossGradient(m, config, false);
            for (int run = 0; run < 5; run++) {
                float[] collected = klLossGradient(m, config, true);
                for (int i = 0; i < reference.length; i++) {
                    assertThat(collected[i]).as("run %d, element %d", run, i).isCloseTo(reference[i], offset(1e-7f));
                }
            }
        }
    }

    private static float[] klLossGradient(NDManager m, LossConfig config, boolean collectFirst)
            throws InterruptedException {
        try (NDManager step = m.newSubManager()) {
            NDArray logp = step.create(LOGP);
            logp.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = PolicyLoss.perToken(LossFunction.GRPO, config, inputs(step, logp, 0, 4)).sum();
                if (collectFirst) {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(5); // the cleaner thread frees unreachable direct buffers
                    }
                    for (int i = 0; i < 2000; i++) {
                        step.create((float) i).close();
                    }
                }
                gc.backward(loss);
            }
            return logp.getGradient().toFloatArray();
        }
    }

    @Test
    void shouldRejectPolicyGradientLossWithoutSamplingLogprobs() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = m.create(LOGP);
            TokenLossInputs noOld = new TokenLossInputs(logp, m.create(MASK), null, null, null);
            assertThatThrownBy(() -> PolicyLoss.perToken(LossFunction.PPO, LossConfig.DEFAULT, noOld))
                    .hasMessageContaining("ppo needs sampling log-probs");
            assertThatThrownBy(() -> LossFunction.fromName("dpo")).hasMessageContaining("cross_entropy, importance_sampling, ppo, cispo, dro, grpo");
        }
    }
}
