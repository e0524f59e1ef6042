package ai.mint.recipe;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.SampleResponse;
import ai.mint.api.SampledSequence;
import ai.mint.api.SamplingConfig;
import ai.mint.api.TrainingClient;
import ai.mint.common.cli.Sparkline;
import ai.mint.training.grpo.GroupAdvantages;
import ai.mint.training.reward.RewardFunction;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.reward.RewardSpecs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mint recipe rl}: a GRPO loop on a new LoRA, only through the training API: each step samples a group of
 * completions of every prompt (all prompts' sample calls in flight together, so a worker batches them), scores them
 * with the reward spec here in the client, turns the group-normalised rewards into advantages on rollout datums, and
 * runs one forward_backward with the chosen policy-gradient loss and one optim_step. Prints the mean reward of every
 * step, the curve, and a greedy sample of each prompt with its reward.
 */
@Command(name = "rl", mixinStandardHelpOptions = true, description = "A GRPO loop on a LoRA with a reward spec.")
final class RlRecipe implements Callable<Integer> {

    @Mixin
    RecipeTarget target;

    @Spec
    CommandSpec spec;

    @Option(names = "--reward", required = true, paramLabel = "SPEC",
            description = "Reward spec (JSON), e.g. {\"type\":\"contains\",\"text\":\"blue\"}.")
    String reward;

    @Option(names = "--prompts", split = "\\|", defaultValue = "The sky is|My favourite colour is",
            description = "Prompts separated by | (default: ${DEFAULT-VALUE}).")
    List<String> prompts;

    @Option(names = "--steps", defaultValue = "10", description = "GRPO steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--group", defaultValue = "4", description = "Completions per prompt (default: ${DEFAULT-VALUE}).")
    int group;

    @Option(names = "--max-tokens", defaultValue = "8", description = "New tokens per completion (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--loss", defaultValue = "ppo",
            description = "importance_sampling, ppo, cispo or dro (default: ${DEFAULT-VALUE}).")
    String loss;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RewardFunction scorer = RewardSpecs.parse(reward);
        LossFunction lossFn = LossFunction.fromName(loss);
        LossConfig lossConfig = lossFn == LossFunction.CISPO ? LossConfig.CISPO_DEFAULT : LossConfig.DEFAULT;
        if (steps < 1 || group < 2) {
            throw new IllegalArgumentException("--steps must be >= 1 and --group >= 2 (advantages compare a group)");
        }
        try (RecipeTarget.Opened opened = target.open()) {
            TrainingClient client = opened.create(target.policy, target.lora());
            List<int[]> promptTokens = client.encode(prompts).get();
            out.printf("rl: policy %s on %s, %d prompts x %d, %d steps, %s, lr %s%n", client.policyId(),
                    opened.base(), prompts.size(), group, steps, lossFn.wireName(), target.learningRate);
            List<Double> curve = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                SamplingConfig sampling = new SamplingConfig(maxTokens, temperature, 1000L * step + 1, List.of());
                List<CompletableFuture<SampleResponse>> drawn = new ArrayList<>();
                for (int[] p : promptTokens) {
                    drawn.add(client.sample(p, group, sampling));
                }
                List<SampledSequence> completions = new ArrayList<>();
                List<RewardOutcome> outcomes = new ArrayList<>();
                List<Integer> groups = new ArrayList<>();
                for (int g = 0; g < promptTokens.size(); g++) {
                    for (SampledSequence s : drawn.get(g).get().sequences()) {
                        completions.add(s);
                        outcomes.add(score(scorer, prompts.get(g), s));
                        groups.add(g);
                    }
                }
                double[] advantages = GroupAdvantages.compute(outcomes,
                        groups.stream().mapToInt(Integer::intValue).toArray(), GroupAdvantages.DEFAULT_EPSILON);
                List<Datum> datums = new ArrayList<>();
                for (int i = 0; i < completions.size(); i++) {
                    SampledSequence s = completions.get(i);
                    if (s.tokens().length > 0) { // an immediate end of text has nothing to train on
                        datums.add(Datum.rollout(promptTokens.get(groups.get(i)), s.tokens(), s.logprobs(),
                                (float) advantages[i]));
                    }
                }
                double stepLoss = datums.isEmpty() ? Double.NaN
                        : client.forwardBackward(datums, lossFn, lossConfig).get().loss();
                if (!datums.isEmpty()) {
                    client.optimStep(AdamConfig.of(target.learningRate)).get();
                }
                double mean = outcomes.stream().filter(o -> !o.failed()).mapToDouble(RewardOutcome::value)
                        .average().orElse(Double.NaN);
                curve.add(mean);
                out.printf("step %3d  mean reward %.3f  loss %.4f%n", step + 1, mean, stepLoss);
                out.flush();
            }
            out.printf("reward curve  %s  %.3f -> %.3f%n", Sparkline.of(curve, 60), curve.get(0),
                    curve.get(curve.size() - 1));
            SamplingConfig greedy = new SamplingConfig(maxTokens, 0, 0L, List.of());
            for (int g = 0; g < prompts.size(); g++) {
                SampledSequence s = client.sample(promptTokens.get(g), 1, greedy).get().sequences().get(0);
                RewardOutcome o = score(scorer, prompts.get(g), s);
                out.printf("check  %s -> %s   reward %s%n", SftRecipe.quoted(prompts.get(g)), SftRecipe.quoted(s.text()),
                        o.failed() ? "failed" : String.format("%.3f", o.value()));
            }
            out.println("exported " + client.saveWeightsForSampler("rl-final").get().uri());
            return 0;
        }
    }

    private static RewardOutcome score(RewardFunction scorer, String prompt, SampledSequence s) {
        try {
            return RewardOutcome.ok(scorer.score(RewardInput.of(prompt, s.text(), s.tokens().length)));
        } catch (Exception e) {
            return RewardOutcome.failed(e.toString());
        }
    }
}
