package ai.mint.training.rl;

import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.grpo.GroupAdvantages;
import ai.mint.training.grpo.GrpoData;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.rollout.PolicyRollout;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.rollout.RolloutSample;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.api.AdamConfig;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Off-policy training from logged user feedback, the way the worker runs a feedback update: logged completions with
 * the log-probs of the revision that served them and a user's score, one group (the batch) for the advantages, loss
 * ppo with the policy's clip. The update always trains on samples an earlier revision served, so the importance ratio
 * is not 1.
 */
class FeedbackOffPolicyTest {

    private static final double CLIP = 0.2;
    private static final LossConfig FEEDBACK_LOSS = new LossConfig(CLIP, CLIP, 0.0);

    @TempDir
    static Path dir;
    static TrainableEngine engine;
    static TrainingService service;
    static RolloutSampler sampler;

    @BeforeAll
    static void load() {
        engine = TinyTrainingBase.open(dir, 7L);
        service = new TrainingService(engine, MicroBatchBudget.DEFAULT);
        sampler = new RolloutSampler(service);
    }

    @AfterAll
    static void close() {
        service.close();
        engine.close();
    }

    static Policy policy(String id, long seed) {
        LoraWeights init = LoraWeights.random(engine.config(), Projection.allOn(engine.config()), 8, 16f, seed, false);
        return service.createPolicy(id, init, seed, LrSchedule.CONSTANT).join();
    }

    /** A simulated user: thumbs up (+1) for a completion that contains "7", down (-1) for any other. */
    static RewardOutcome userScore(String completion) {
        return RewardOutcome.ok(completion.contains("7") ? 1.0 : -1.0);
    }

    /** How often the policy's completions contain "7", over fixed seeds (the same rows before and after). */
    static double rateOfSeven(Policy p, List<Prompt> prompts, int perPrompt, long seed) {
        List<GenerationRequest> rows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            rows.addAll(sampler.rows(p.adapterId(), prompts.get(i).tokens(), perPrompt, 8, 1.0, seed + 1000L * i));
        }
        List<GenerationResult> results = service.generate(rows).join();
        return results.stream().filter(r -> engine.decode(r.tokens()).contains("7")).count() / (double) results.size();
    }

    @Test
    void shouldRaiseTheRateOfSevenFromUserFeedbackOnStaleSamples() {
        Policy p = policy("feedback-seven", 3);
        List<Prompt> prompts = new ArrayList<>();
        for (String t : List.of("Q: a", "Q: b", "Q: c", "Q: d")) {
            prompts.add(new Prompt(engine.encode(t), t, null));
        }
        double before = rateOfSeven(p, prompts, 64, 42);
        List<RolloutSample> logged = List.of(); // what the previous revision served, with its log-probs
        int rounds = 12;
        double[] fed = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            List<RolloutSample> served = sampler.sample(List.of(new PolicyRollout(p, prompts, 16, 8, 1.0))).get(0);
            if (!logged.isEmpty()) {
                List<GrpoData.Sample> samples = new ArrayList<>();
                for (RolloutSample s : logged) { // feedback examples carry group 0: the advantage is batch-relative
                    samples.add(new GrpoData.Sample(0, s.promptTokens(), s.completion(), s.logprobs(),
                            userScore(s.text())));
                }
                List<Datum> data = GrpoData.toData(samples, GroupAdvantages.DEFAULT_EPSILON);
                service.forwardBackward(new TrainingBatch(p, data, LossFunction.PPO, FEEDBACK_LOSS)).join();
                service.optimStep(p, AdamConfig.of(3e-2)).join();
            }
            fed[round] = served.stream().filter(s -> s.text().contains("7")).count() / (double) served.size();
            logged = served;
        }
        double after = rateOfSeven(p, prompts, 64, 42);
        System.out.printf("rate of 7: before %.4f after %.4f, served per round %s%n", before, after,
                Arrays.toString(fed));
        assertThat(p.revision()).isEqualTo(rounds - 1);
        assertThat(before).isLessThan(0.1); // measured 0.0195 (seed 3, eval seed 42, 256 samples)
        assertThat(after).isGreaterThan(before + 0.5); // measured 0.9297 after 11 updates
        service.closePolicy(p).join();
    }

    @Test
    void shouldClipTheImportanceWeightOfAnExampleFarFromTheLoggedPolicy() {
        Policy p = policy("feedback-clip", 5);
        int[] prompt = engine.encode("Q: a");
        int[] completion = engine.encode(" 7 up");
        int n = completion.length;
        float[] current = currentLogprobs(p, prompt, completion);

        double far = 3.0; // ratio e^3 or e^-3, far outside [0.8, 1.2]
        double near = 0.05; // ratio e^0.05, inside
        Datum upFar = Datum.rollout(prompt, completion, shift(current, -far), 1f); // logged far less likely
        Datum downFar = Datum.rollout(prompt, completion, shift(current, far), -1f); // logged far more likely
        Datum upNear = Datum.rollout(prompt, completion, shift(current, -near), 1f);

        // hand computation of PPO's per-token -min(r A, clip(r) A), token-mean over the batch
        assertThat(loss(p, List.of(upFar))).isCloseTo(-(1 + CLIP), within(1e-4)); // capped at (1 + eps) A
        assertThat(loss(p, List.of(downFar))).isCloseTo(1 - CLIP, within(1e-4)); // -min(-e^-3, -(1 - eps))
        assertThat(loss(p, List.of(upNear))).isCloseTo(-Math.exp(near), within(1e-4)); // unclipped
        assertThat(loss(p, List.of(upFar, upNear))).isCloseTo((-(1 + CLIP) * n - Math.exp(near) * n) / (2.0 * n),
                within(1e-4)); // the far example adds no more than its clip to the batch
        assertThat(Math.exp(far)).isGreaterThan(1 + CLIP); // the unclipped weight would have been ~20

        // a clipped example carries no gradient at all; an unclipped one does
        AdamConfig adam = AdamConfig.of(1e-2);
        service.forwardBackward(new TrainingBatch(p, List.of(upFar, downFar), LossFunction.PPO, FEEDBACK_LOSS)).join();
        assertThat(service.optimStep(p, adam).join().gradNorm()).isEqualTo(0.0);
        service.forwardBackward(new TrainingBatch(p, List.of(upNear), LossFunction.PPO, FEEDBACK_LOSS)).join();
        assertThat(service.optimStep(p, adam).join().gradNorm()).isGreaterThan(1e-6);
        service.closePolicy(p).join();
    }

    private static double loss(Policy p, List<Datum> data) {
        return service.forwardAll(List.of(new TrainingBatch(p, data, LossFunction.PPO, FEEDBACK_LOSS))).get(0).join()
                .loss();
    }

    /** The policy's log-prob of each completion token now, from a forward pass. */
    private static float[] currentLogprobs(Policy p, int[] prompt, int[] completion) {
        Datum probe = Datum.rollout(prompt, completion, new float[completion.length], 0f);
        ForwardBackwardOutput out = service.forwardAll(List.of(new TrainingBatch(p, List.of(probe), LossFunction.PPO,
                FEEDBACK_LOSS))).get(0).join();
        // position pos predicts token pos + 1: the completion's tokens are predicted from position prompt.length - 1
        return Arrays.copyOfRange(out.logprobs()[0], prompt.length - 1, prompt.length - 1 + completion.length);
    }

    private static float[] shift(float[] logprobs, double by) {
        float[] out = new float[logprobs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (logprobs[i] + by);
        }
        return out;
    }
}
