package ai.mint.quickstart;

import ai.mint.events.EvalSpec;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.TrainingSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The policies the quickstart trains side by side over one base: the same prompts, each with a different reward, so
 * that after training their outputs differ in the way their rewards ask for. The rewards are chosen to be learnable by
 * a tiny random byte-level model within a few steps: each rewards a class of characters it emits now and then.
 */
final class QuickstartPolicies {

    static final List<String> PROMPTS = List.of("Hello, ", "The answer is ", "Once upon a time ", "Note: ");
    static final Map<String, String> REWARDS = Map.of(
            "digits", "{\"type\":\"regex\",\"pattern\":\"[0-9]\"}",
            "vowels", "{\"type\":\"regex\",\"pattern\":\"[aeiouAEIOU]\"}",
            "capitals", "{\"type\":\"regex\",\"pattern\":\"[A-Z]\"}",
            "sevens", "{\"type\":\"contains\",\"text\":\"7\"}");
    static final List<String> NAMES = List.of("digits", "vowels", "capitals", "sevens");

    private QuickstartPolicies() {
    }

    static PolicySpec spec(String name, String baseModel, int steps, long seed) {
        return PolicySpec.newBuilder()
                .setEventId("set-by-client").setPolicyId(name).setTime(Instant.now())
                .setBaseModel(baseModel)
                .setLora(LoraSpec.newBuilder().setRank(8).setAlpha(16)
                        .setTargetModules(List.of("q_proj", "v_proj", "o_proj", "up_proj", "down_proj")).build())
                .setRewardSpec(REWARDS.get(name))
                .setTraining(TrainingSpec.newBuilder().setPrompts(PROMPTS).setGroupSize(8).setSteps(steps)
                        .setLearningRate(0.05).setMaxTokens(12).setTemperature(1.0).setKlCoef(0).setSeed(seed).build())
                .setEval(EvalSpec.newBuilder().setPrompts(PROMPTS).setSamplesPerPrompt(4).setMetric("reward").build())
                // promote an evaluated revision when it scores at least as well as the one serving
                .setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(0).setMinImprovement(0).build())
                .setLabels(Map.of("created_by", "quickstart"))
                .build();
    }
}
