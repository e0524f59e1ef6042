package ai.mint.quickstart;

import ai.mint.api.AdamConfig;
import ai.mint.api.LossConfig;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import ai.mint.engine.pretrain.PretrainPreset;
import ai.mint.events.PolicySpec;
import ai.mint.events.TrainingSpec;
import ai.mint.training.grpo.GroupAdvantages;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.reward.RewardSpecs;
import ai.mint.training.rl.GrpoConfig;
import ai.mint.training.rl.GrpoPolicy;
import ai.mint.training.rl.GrpoStepReport;
import ai.mint.training.rl.GrpoTrainer;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A quickstart policy, exactly as specified (reward, prompts, LoRA shape, learning rate, KL, group size, answer length,
 * seed), trained with GRPO on the English base the repository carries: within fewer steps than the quickstart runs, its
 * mean reward rises far above where it starts.
 */
class QuickstartPoliciesTest {

    static final Path BASE = Path.of("..").resolve(PretrainPreset.BUNDLED_SMALL);
    static final int STEPS = 40;

    @Test
    void theTimePolicyLearnsToSayTimeWithinTheQuickstartsBudget() {
        assertThat(STEPS).isLessThanOrEqualTo(QuickstartJob.Options.defaults(Path.of(".")).steps());
        int index = QuickstartPolicies.NAMES.indexOf("time");
        PolicySpec spec = QuickstartPolicies.spec("time", "brown-small", STEPS, 7 + index);
        TrainingSpec t = spec.getTraining();
        try (TrainableEngine engine = TrainableEngine.open(EngineConfig.of(BASE));
             TrainingService service = new TrainingService(engine, MicroBatchBudget.DEFAULT);
             RewardScorer scorer = new RewardScorer(Duration.ofSeconds(5))) {
            GrpoTrainer trainer = new GrpoTrainer(service, scorer);
            Set<Projection> targets = EnumSet.noneOf(Projection.class);
            spec.getLora().getTargetModules().forEach(m -> targets.add(Projection.fromPeftName(m)));
            Policy state = service.createPolicy("time", LoraWeights.random(engine.config(), targets,
                    spec.getLora().getRank(), (float) spec.getLora().getAlpha(), t.getSeed(), false),
                    t.getSeed(), LrSchedule.CONSTANT).join();
            List<Prompt> prompts = t.getPrompts().stream().map(p -> new Prompt(engine.encode(p), p, null)).toList();
            GrpoPolicy policy = new GrpoPolicy(state, RewardSpecs.parse(spec.getRewardSpec()), prompts,
                    new GrpoConfig(t.getGroupSize(), t.getMaxTokens(), t.getTemperature(),
                            LossConfig.DEFAULT.withKlBeta(t.getKlCoef()), AdamConfig.of(t.getLearningRate()),
                            GroupAdvantages.DEFAULT_EPSILON));
            double[] curve = new double[STEPS];
            for (int s = 0; s < STEPS; s++) {
                GrpoStepReport r = trainer.step(List.of(policy)).get(0);
                curve[s] = r.meanReward();
            }
            double start = Arrays.stream(curve, 0, 5).average().orElseThrow();
            double end = Arrays.stream(curve, STEPS - 5, STEPS).average().orElseThrow();
            System.out.println("time policy, mean reward per step: " + Arrays.toString(curve));
            assertThat(start).isLessThan(0.15);
            assertThat(end).isGreaterThan(start + 0.5);
        }
    }
}
