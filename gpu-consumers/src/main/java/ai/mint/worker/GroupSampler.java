package ai.mint.worker;

import ai.mint.common.random.SplitMix64;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.training.reward.RewardFunction;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Samples {@code perPrompt} completions of each prompt from one adapter and scores them with the policy's reward, in
 * two halves so that several requests can share one generation batch: {@link #plan} checks a request and turns it
 * into generation rows, {@link #score} turns the generated rows into scored samples. Each sample has its own seed
 * ({@link SplitMix64#draw} of the request seed and the sample's index), so a group holds different completions and
 * the same request always draws the same ones. Used by rollout (training groups) and eval.
 */
public final class GroupSampler {

    /** One scored completion. */
    public record Sample(int promptIndex, int[] promptTokens, GenerationResult generation, String text,
                         RewardOutcome reward) {
    }

    /** A checked request: its prompts (text and tokens), the rows to generate and the reward that scores them. */
    public record Plan(List<String> prompts, List<int[]> promptTokens, int perPrompt, List<GenerationRequest> rows,
                       RewardFunction reward) {
    }

    private final WorkContext ctx;

    public GroupSampler(WorkContext ctx) {
        this.ctx = ctx;
    }

    /** Checks a request against the worker's limits and makes its generation rows; nothing runs yet. */
    public Plan plan(String adapterId, List<String> prompts, int perPrompt, int maxTokens, double temperature,
                     double topP, long seed, RewardFunction reward) {
        WorkContext.Limits limits = ctx.limits();
        if (prompts.isEmpty()) {
            throw new RejectedWorkException("no prompts to sample");
        }
        if (perPrompt < 1 || (long) perPrompt * prompts.size() > limits.maxSamples()) {
            throw new RejectedWorkException("samples per prompt " + perPrompt + " x " + prompts.size()
                    + " prompts must be between 1 and " + limits.maxSamples() + " samples");
        }
        if (maxTokens < 1 || maxTokens > limits.maxTokens()) {
            throw new RejectedWorkException("max_tokens " + maxTokens + " is out of range 1.." + limits.maxTokens());
        }
        if (!(temperature >= 0) || !(topP > 0 && topP <= 1)) {
            throw new RejectedWorkException("temperature " + temperature + " must be >= 0 and top_p " + topP
                    + " in (0, 1]");
        }
        List<GenerationRequest> rows = new ArrayList<>();
        List<int[]> promptTokens = new ArrayList<>();
        int eos = ctx.runtime().eosToken();
        for (int i = 0; i < prompts.size(); i++) {
            int[] tokens = ctx.runtime().encode(prompts.get(i));
            if (tokens.length == 0) {
                throw new RejectedWorkException("prompt " + i + " is empty after tokenization");
            }
            promptTokens.add(tokens);
            for (int g = 0; g < perPrompt; g++) {
                long sampleSeed = SplitMix64.draw(seed, (long) i * perPrompt + g);
                try {
                    rows.add(new GenerationRequest(adapterId, tokens,
                            new GenerationParams(maxTokens, temperature, topP, sampleSeed, Set.of(eos))));
                } catch (RuntimeException e) {
                    throw new RejectedWorkException(e.getMessage(), e);
                }
            }
        }
        return new Plan(List.copyOf(prompts), promptTokens, perPrompt, rows, reward);
    }

    /** Decodes and scores the rows generated for {@code plan}, in the plan's row order. */
    public List<Sample> score(Plan plan, List<GenerationResult> generated) {
        int perPrompt = plan.perPrompt();
        List<RewardInput> inputs = new ArrayList<>(generated.size());
        List<String> texts = new ArrayList<>(generated.size());
        for (int k = 0; k < generated.size(); k++) {
            GenerationResult g = generated.get(k);
            String text = ctx.runtime().decode(g.tokens());
            texts.add(text);
            inputs.add(RewardInput.of(plan.prompts().get(k / perPrompt), text, g.tokens().length));
        }
        List<RewardOutcome> outcomes = ctx.scorer().scoreAll(plan.reward(), inputs);
        List<Sample> samples = new ArrayList<>(generated.size());
        for (int k = 0; k < generated.size(); k++) {
            samples.add(new Sample(k / perPrompt, plan.promptTokens().get(k / perPrompt), generated.get(k),
                    texts.get(k), outcomes.get(k)));
        }
        return samples;
    }

    /** {@link #plan}, one generate call of its own, {@link #score}. */
    public List<Sample> sample(String adapterId, List<String> prompts, int perPrompt, int maxTokens, double temperature,
                               double topP, long seed, RewardFunction reward) {
        Plan plan = plan(adapterId, prompts, perPrompt, maxTokens, temperature, topP, seed, reward);
        return score(plan, ctx.runtime().generate(plan.rows()));
    }

    /** Mean reward of the samples that have one (NaN if none has). */
    public static double meanReward(List<Sample> samples) {
        return samples.stream().filter(s -> !s.reward().failed()).mapToDouble(s -> s.reward().value()).average()
                .orElse(Double.NaN);
    }
}
