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
 * that after training their outputs differ in the way their rewards ask for. On the English base
 * ({@code models/brown-small}) each reward pays for something a reader sees at once and that the base already does
 * now and then (a few percent of its samples), so GRPO has something to reinforce from the first steps: a colour
 * word, a year, a short answer, the word "time". The KL term to the base keeps the answers in English.
 */
final class QuickstartPolicies {

    static final List<String> PROMPTS = List.of("The house was", "She said", "He asked", "In the morning");
    static final Map<String, String> REWARDS = Map.of(
            "colour", "{\"type\":\"regex\",\"pattern\":"
                    + "\"(?i)\\\\b(red|blue|green|yellow|white|black|brown|gray|grey|pink|purple|orange)\\\\b\"}",
            "year", "{\"type\":\"regex\",\"pattern\":\"\\\\b1[89][0-9][0-9]\\\\b\"}",
            "short", "{\"type\":\"length_target\",\"target\":3,\"unit\":\"words\"}",
            "time", "{\"type\":\"contains\",\"text\":\"time\"}");
    static final List<String> NAMES = List.of("colour", "year", "short", "time");
    /** Tokens per answer, in training, eval and the printed samples. */
    static final int MAX_TOKENS = 14;

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
                        .setLearningRate(5e-3).setMaxTokens(MAX_TOKENS).setTemperature(1.0).setKlCoef(0.1).setSeed(seed)
                        .build())
                .setEval(EvalSpec.newBuilder().setPrompts(PROMPTS).setSamplesPerPrompt(4).setMetric("reward").build())
                // promote an evaluated revision when it scores at least as well as the one serving
                .setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(0).setMinImprovement(0).build())
                .setLabels(Map.of("created_by", "quickstart"))
                .build();
    }
}
