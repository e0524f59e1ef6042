package ai.mint.training.rl;

import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModuleSite;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.reward.RewardSpecs;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GRPO through the training service on a micro DeepSeek-V3 base (latent attention, a dense first layer, then routed
 * experts and a shared expert), with LoRA on every projection it has: the reward rises as on the dense base, and
 * every kind of factor (q_a, q_b, kv_a, kv_b, o, the dense MLP, the routed experts, the shared expert) was trained.
 */
class DeepseekGrpoLearningTest {

    @TempDir
    Path dir;

    @Test
    void grpoTrainsLoraOnLatentAttentionAndEveryExpert() {
        try (TrainableEngine engine = TinyTrainingBase.open(dir.resolve("base"), 7L, TestModels.microDeepseek());
             TrainingService service = new TrainingService(engine, MicroBatchBudget.DEFAULT);
             RewardScorer scorer = new RewardScorer(Duration.ofMillis(300))) {
            ModelConfig c = engine.config();
            LoraWeights init = LoraWeights.random(c, Projection.allOn(c), 8, 16f, 1, false); // B = 0: the base
            Policy state = service.createPolicy("ds-digit", init, 1, LrSchedule.CONSTANT).join();
            List<Prompt> prompts = new ArrayList<>();
            for (String t : List.of("Q: a", "Q: b", "Q: c", "Q: d")) {
                prompts.add(new Prompt(engine.encode(t), t, null));
            }
            GrpoPolicy digit = new GrpoPolicy(state, RewardSpecs.parse("{\"type\":\"regex\",\"pattern\":\"[0-9]\"}"),
                    prompts, GrpoConfig.of(8, 6, 3e-2));
            GrpoTrainer trainer = new GrpoTrainer(service, scorer);
            int steps = 45; // at 30 the end of the curve sat at 0.72-0.85 from run to run (thread timing in PyTorch)
            double[] curve = new double[steps];
            for (int s = 0; s < steps; s++) {
                curve[s] = trainer.step(List.of(digit)).get(0).meanReward();
            }
            System.out.println("deepseek digit reward curve " + java.util.Arrays.toString(curve));
            double start = (curve[0] + curve[1] + curve[2]) / 3;
            // the best three steps in a row of the second half: at lr 3e-2 a learnt policy sometimes collapses for a
            // dozen steps and learns again (CI once: 0.9 at step 27, 0.2 at 29, 0.84-0.9 at 40-42, 0.66 at 44), so
            // the last steps alone sat at 0.75 though it had learnt; a policy that never learns stays near its start
            double end = 0;
            for (int s = steps / 2; s + 3 <= steps; s++) {
                end = Math.max(end, (curve[s] + curve[s + 1] + curve[s + 2]) / 3);
            }
            assertThat(start).isLessThan(0.6);
            assertThat(end).isGreaterThan(start + 0.3).isGreaterThan(0.8);

            LoraWeights trained = service.exportWeights(state).join();
            for (Map.Entry<LoraKey, float[]> b : trained.b().entrySet()) {
                assertThat(maxAbs(b.getValue())).as("B of %s moved from zero", b.getKey()).isGreaterThan(0f);
            }
            assertThat(trained.b().keySet()).anyMatch(k -> k.site() == ModuleSite.EXPERTS)
                    .anyMatch(k -> k.site() == ModuleSite.SHARED_EXPERT)
                    .anyMatch(k -> k.projection() == Projection.KV_B)
                    .anyMatch(k -> k.site() == ModuleSite.LAYER && k.projection() == Projection.GATE);
            // and the trained adapter leaves as PEFT files that read back to the same numbers
            service.exportPeft(state, dir.resolve("peft")).join();
            LoraWeights back = PeftAdapterIo.read(dir.resolve("peft"), c);
            for (LoraKey key : trained.a().keySet()) {
                assertThat(back.b().get(key)).as("B %s", key).containsExactly(trained.b().get(key));
            }
            service.closePolicy(state).join();
        }
    }

    private static float maxAbs(float[] x) {
        float m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
