package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The step tests' workload: four policies of different ranks, targets and loss functions (one with a KL penalty)
 * with 3, 4, 5 and 6 seeded rollouts of different lengths, and array comparisons.
 */
final class StepFixtures {

    private StepFixtures() {
    }

    static DevicePolicy policy(LoraTrainer trainer, DecoderModel model, String id, int rank, Set<Projection> targets,
                               long seed) {
        LoraWeights init = LoraWeights.random(model.config(), targets, rank, 2f * rank, seed, true);
        return (DevicePolicy) trainer.createPolicy(id, init);
    }

    static List<Datum> rollouts(long seed, int n) {
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

    static List<DevicePolicy> fourPolicies(LoraTrainer trainer, DecoderModel model) {
        Set<Projection> attention = EnumSet.of(Projection.Q, Projection.K, Projection.V, Projection.O);
        return List.of(policy(trainer, model, "a", 4, attention, 1),
                policy(trainer, model, "b", 2, EnumSet.of(Projection.Q, Projection.V), 2),
                policy(trainer, model, "c", 4, EnumSet.of(Projection.GATE, Projection.UP, Projection.DOWN), 3),
                policy(trainer, model, "d", 8, attention, 4));
    }

    /** One batch per policy; {@code seedOffset} varies the data between steps. */
    static List<PolicyBatch> work(List<DevicePolicy> policies, int seedOffset) {
        LossConfig kl = LossConfig.DEFAULT.withKlBeta(0.05);
        List<LossFunction> losses = List.of(LossFunction.GRPO, LossFunction.IMPORTANCE_SAMPLING, LossFunction.PPO,
                LossFunction.CROSS_ENTROPY);
        List<PolicyBatch> out = new ArrayList<>();
        for (int k = 0; k < policies.size(); k++) {
            out.add(new PolicyBatch(policies.get(k), rollouts(100 + k + seedOffset, 3 + k), losses.get(k),
                    k == 0 ? kl : LossConfig.DEFAULT));
        }
        return out;
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
