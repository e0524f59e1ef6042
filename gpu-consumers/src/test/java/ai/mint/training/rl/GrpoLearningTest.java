package ai.mint.training.rl;

import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.reward.RewardFunction;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.reward.RewardSpecs;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GRPO end to end on the tiny base through the training service: rollout, rewards, group advantages, batched update,
 * per-policy Adam.
 */
class GrpoLearningTest {

    @TempDir
    static Path dir;
    static TrainableEngine engine;
    static TrainingService service;
    static RewardScorer scorer;
    static GrpoTrainer trainer;

    @BeforeAll
    static void load() {
        engine = TinyTrainingBase.open(dir, 7L);
        service = new TrainingService(engine, MicroBatchBudget.DEFAULT);
        scorer = new RewardScorer(Duration.ofMillis(300));
        trainer = new GrpoTrainer(service, scorer);
    }

    @AfterAll
    static void close() {
        scorer.close();
        service.close();
        engine.close();
    }

    static List<Prompt> prompts(String... texts) {
        List<Prompt> out = new ArrayList<>();
        for (String t : texts) {
            out.add(new Prompt(engine.encode(t), t, null));
        }
        return out;
    }

    static Policy policy(String id, long seed) {
        LoraWeights init = LoraWeights.random(engine.config(), Projection.allOn(engine.config()), 8, 16f, seed, false);
        return service.createPolicy(id, init, seed, LrSchedule.CONSTANT).join();
    }

    static GrpoPolicy regexPolicy(String id, String pattern, long seed) {
        return new GrpoPolicy(policy(id, seed), RewardSpecs.parse("{\"type\":\"regex\",\"pattern\":\"" + pattern + "\"}"),
                prompts("Q: a", "Q: b", "Q: c", "Q: d"), GrpoConfig.of(8, 6, 3e-2));
    }

    /** Mean reward of the first and of the last {@code window} steps, per policy. */
    static double[][] train(List<GrpoPolicy> policies, int steps, int window) {
        double[][] curves = new double[policies.size()][steps];
        for (int s = 0; s < steps; s++) {
            List<GrpoStepReport> reports = trainer.step(policies);
            for (int k = 0; k < policies.size(); k++) {
                curves[k][s] = reports.get(k).meanReward();
            }
        }
        double[][] startEnd = new double[policies.size()][2];
        for (int k = 0; k < policies.size(); k++) {
            for (int i = 0; i < window; i++) {
                startEnd[k][0] += curves[k][i] / window;
                startEnd[k][1] += curves[k][steps - 1 - i] / window;
            }
            System.out.println(policies.get(k).state().policyId() + " reward curve " + java.util.Arrays.toString(curves[k]));
        }
        return startEnd;
    }

    @Test
    void shouldRaiseTheMeanRewardOfAVerifiableTask() {
        GrpoPolicy digit = regexPolicy("digit", "[0-9]", 1); // "the completion contains a digit"
        double[] startEnd = train(List.of(digit), 16, 3)[0];
        assertThat(startEnd[0]).isLessThan(0.6);
        assertThat(startEnd[1]).isGreaterThan(startEnd[0] + 0.3).isGreaterThan(0.8);
        assertThat(digit.state().revision()).isEqualTo(16);
        service.closePolicy(digit.state()).join();
    }

    @Test
    void shouldTeachFourPoliciesFourDifferentRewardsInTheSameSteps() {
        List<GrpoPolicy> policies = List.of(regexPolicy("digit", "[0-9]", 11), regexPolicy("vowel", "[aeiou]", 12),
                regexPolicy("upper", "[A-Z]", 13), regexPolicy("punct", "[!-/]", 14));
        double[][] startEnd = train(policies, 24, 3);
        for (int k = 0; k < policies.size(); k++) {
            assertThat(startEnd[k][1]).as(policies.get(k).state().policyId())
                    .isGreaterThan(startEnd[k][0] + 0.25).isGreaterThan(0.75);
        }
        // each learned its own task: the digit policy now writes digits far more often than the vowel policy does
        RewardFunction digitReward = policies.get(0).reward();
        GrpoPolicy vowelJudgedOnDigits = new GrpoPolicy(policies.get(1).state(), digitReward, policies.get(1).prompts(),
                policies.get(1).config());
        GrpoPolicy digitJudgedOnDigits = new GrpoPolicy(policies.get(0).state(), digitReward, policies.get(0).prompts(),
                policies.get(0).config());
        List<GrpoStepReport> probe = trainer.step(List.of(digitJudgedOnDigits, vowelJudgedOnDigits));
        assertThat(probe.get(0).meanReward()).isGreaterThan(probe.get(1).meanReward() + 0.2);
        policies.forEach(p -> service.closePolicy(p.state()).join());
    }

    @Test
    void shouldDropSamplesWhoseRewardThrowsTimesOutOrIsNaNAndStillUpdate() {
        RewardFunction unreliable = new RewardFunction() {
            @Override
            public double score(ai.mint.training.reward.RewardInput in) throws Exception {
                return switch (in.prompt()) {
                    case "throw" -> throw new IllegalStateException("grader crashed");
                    case "nan" -> Double.NaN;
                    case "slow" -> {
                        Thread.sleep(5_000);
                        yield 1.0;
                    }
                    default -> in.completion().matches("(?s).*[0-9].*") ? 1.0 : 0.0;
                };
            }

            @Override
            public String describe() {
                return "unreliable";
            }
        };
        GrpoPolicy policy = new GrpoPolicy(policy("flaky", 5), unreliable, prompts("throw", "nan", "slow", "ok"),
                GrpoConfig.of(4, 6, 3e-2));
        GrpoStepReport report = trainer.step(List.of(policy)).get(0);
        assertThat(report.samples()).isEqualTo(16);
        assertThat(report.failures()).hasSize(12);
        assertThat(report.failures()).anyMatch(f -> f.contains("IllegalStateException: grader crashed"))
                .anyMatch(f -> f.contains("NaN")).anyMatch(f -> f.contains("timed out"));
        assertThat(report.updated()).isTrue();
        assertThat(report.newRevision()).isEqualTo(1);
        assertThat(Double.isFinite(report.loss()) && Double.isFinite(report.gradNorm())).isTrue();
        for (float[] b : service.exportWeights(policy.state()).join().b().values()) {
            for (float x : b) {
                assertThat(Float.isFinite(x)).isTrue();
            }
        }

        GrpoPolicy allFail = new GrpoPolicy(policy.state(), unreliable, prompts("throw", "nan"), GrpoConfig.of(4, 6, 3e-2));
        GrpoStepReport skipped = trainer.step(List.of(allFail)).get(0);
        assertThat(skipped.updated()).isFalse();
        assertThat(skipped.failures()).hasSize(8);
        assertThat(policy.state().revision()).isEqualTo(1);
        service.closePolicy(policy.state()).join();
    }
}
