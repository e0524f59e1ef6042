package ai.mint.training.step;

import ai.djl.ndarray.NDArray;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.training.api.Datum;
import ai.mint.training.grpo.AdamParams;
import ai.mint.training.grpo.LossConfig;
import ai.mint.training.grpo.LossFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiPolicyStepTest {

    /** float32 round-off of a batched vs a single forward/backward; updates are ~1e-2, so this is 4-5 digits. */
    static final float TOLERANCE = 2e-6f;

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

    private static PolicyState policy(String id, int rank, Set<Projection> targets, long seed) {
        LoraWeights init = LoraWeights.random(model.config(), targets, rank, 2f * rank, seed, true);
        return new PolicyState(id, model.config(), init, model.base().manager(), seed);
    }

    private static List<Datum> rollouts(long seed, int n) {
        Random rnd = new Random(seed);
        List<Datum> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt = rnd.ints(3 + rnd.nextInt(3), 32, 127).toArray();
            int[] completion = rnd.ints(2 + rnd.nextInt(5), 32, 127).toArray();
            float[] logprobs = new float[completion.length];
            for (int j = 0; j < logprobs.length; j++) {
                logprobs[j] = -5.6f + (float) rnd.nextGaussian() * 0.1f;
            }
            data.add(Datum.rollout(prompt, completion, logprobs, (float) rnd.nextGaussian()));
        }
        return data;
    }

    private static List<PolicyState> fourPolicies() {
        Set<Projection> attention = EnumSet.of(Projection.Q, Projection.K, Projection.V, Projection.O);
        return List.of(policy("a", 4, attention, 1), policy("b", 2, EnumSet.of(Projection.Q, Projection.V), 2),
                policy("c", 4, EnumSet.of(Projection.GATE, Projection.UP, Projection.DOWN), 3),
                policy("d", 8, attention, 4));
    }

    private static List<PolicyBatch> work(List<PolicyState> policies) {
        LossConfig kl = LossConfig.DEFAULT.withKlBeta(0.05);
        List<LossFunction> losses = List.of(LossFunction.GRPO, LossFunction.IMPORTANCE_SAMPLING, LossFunction.PPO,
                LossFunction.CROSS_ENTROPY);
        List<PolicyBatch> out = new ArrayList<>();
        for (int k = 0; k < policies.size(); k++) {
            out.add(new PolicyBatch(policies.get(k), rollouts(100 + k, 3 + k), losses.get(k), k == 0 ? kl : LossConfig.DEFAULT));
        }
        return out;
    }

    @Test
    void shouldGiveEachPolicyTheSameUpdateAsTrainingItAlone() {
        List<PolicyState> together = fourPolicies();
        List<PolicyState> alone = fourPolicies();
        AdamParams adam = AdamParams.of(1e-2);
        for (int step = 0; step < 2; step++) {
            List<PolicyBatch> joint = work(together);
            List<PolicyStepResult> jointResults = MultiPolicyStep.forwardBackward(model, joint);
            List<PolicyBatch> single = work(alone);
            for (int k = 0; k < single.size(); k++) {
                PolicyStepResult r = MultiPolicyStep.forwardBackward(model, List.of(single.get(k))).get(0);
                assertThat(jointResults.get(k).loss()).isCloseTo(r.loss(), org.assertj.core.data.Offset.offset(1e-5));
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
        PolicyState fresh = fourPolicies().get(0);
        float moved = maxAbsDiff(fresh.parameters().get("0.q_proj.B"), together.get(0).parameters().get("0.q_proj.B"));
        assertThat(moved).isGreaterThan(1e-3f);
        together.forEach(PolicyState::close);
        alone.forEach(PolicyState::close);
    }

    @Test
    void shouldRefuseAnOptimizerStepWithoutGradientsAndAPolicyTwiceInOneStep() {
        PolicyState p = fourPolicies().get(0);
        assertThatThrownBy(() -> PolicyOptimizer.step(p, AdamParams.of(1e-3))).hasMessageContaining("without a forward/backward");
        PolicyBatch b = new PolicyBatch(p, rollouts(1, 2), LossFunction.PPO, LossConfig.DEFAULT);
        assertThatThrownBy(() -> MultiPolicyStep.forwardBackward(model, List.of(b, b))).hasMessageContaining("twice");
        assertThatThrownBy(() -> new PolicyBatch(p, List.of(Datum.supervised(new int[]{1, 2, 3}, 1)), LossFunction.PPO,
                LossConfig.DEFAULT)).hasMessageContaining("lacks the sampling log-probs");
        p.close();
    }

    static void assertSameArrays(Map<String, NDArray> a, Map<String, NDArray> b, float tolerance) {
        assertThat(a.keySet()).isEqualTo(b.keySet()).isNotEmpty();
        for (String name : a.keySet()) {
            assertThat(maxAbsDiff(a.get(name), b.get(name))).as(name).isLessThanOrEqualTo(tolerance);
        }
    }

    static float maxAbsDiff(NDArray x, NDArray y) {
        float[] fx = x.toFloatArray();
        float[] fy = y.toFloatArray();
        assertThat(fx).hasSameSizeAs(fy);
        float max = 0;
        for (int i = 0; i < fx.length; i++) {
            max = Math.max(max, Math.abs(fx[i] - fy[i]));
        }
        return max;
    }
}
