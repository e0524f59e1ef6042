package ai.mint.worker;

import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.GenerationParams;
import ai.mint.training.reward.RewardFunction;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Samples {@code perPrompt} completions of each prompt from one adapter in a single batched generate call and scores
 * them with the policy's reward. Each sample has its own seed ({@code seed + index}), so a group holds different
 * completions and the same request always draws the same ones. Used by rollout (training groups) and eval.
 */
public final class GroupSampler {

    /** Longest completion a request may ask for; keeps one request from holding the device for long. */
    public static final int MAX_TOKENS_LIMIT = 512;
    /** Most samples one request may ask for. */
    public static final int MAX_SAMPLES = 1024;

    /** One scored completion. */
    public record Sample(int promptIndex, int[] promptTokens, GenerationResult generation, String text,
                         RewardOutcome reward) {
    }

    private final WorkContext ctx;

    public GroupSampler(WorkContext ctx) {
        this.ctx = ctx;
    }

    public List<Sample> sample(String adapterId, List<String> prompts, int perPrompt, int maxTokens, double temperature,
                               double topP, long seed, RewardFunction reward) {
        if (prompts.isEmpty()) {
            throw new RejectedWorkException("no prompts to sample");
        }
        if (perPrompt < 1 || (long) perPrompt * prompts.size() > MAX_SAMPLES) {
            throw new RejectedWorkException("samples per prompt " + perPrompt + " x " + prompts.size()
                    + " prompts must be between 1 and " + MAX_SAMPLES + " samples");
        }
        if (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
            throw new RejectedWorkException("max_tokens " + maxTokens + " is out of range 1.." + MAX_TOKENS_LIMIT);
        }
        if (!(temperature >= 0) || !(topP > 0 && topP <= 1)) {
            throw new RejectedWorkException("temperature " + temperature + " must be >= 0 and top_p " + topP
                    + " in (0, 1]");
        }
        List<GenerationRequest> batch = new ArrayList<>();
        List<int[]> promptTokens = new ArrayList<>();
        int eos = ctx.runtime().eosToken();
        for (int i = 0; i < prompts.size(); i++) {
            int[] tokens = ctx.runtime().encode(prompts.get(i));
            if (tokens.length == 0) {
                throw new RejectedWorkException("prompt " + i + " is empty after tokenization");
            }
            promptTokens.add(tokens);
            for (int g = 0; g < perPrompt; g++) {
                long sampleSeed = sampleSeed(seed, (long) i * perPrompt + g);
                batch.add(new GenerationRequest(adapterId, tokens,
                        new GenerationParams(maxTokens, temperature, topP, sampleSeed, Set.of(eos))));
            }
        }
        List<GenerationResult> generated = ctx.runtime().generate(batch);
        List<RewardInput> inputs = new ArrayList<>(generated.size());
        List<String> texts = new ArrayList<>(generated.size());
        for (int k = 0; k < generated.size(); k++) {
            GenerationResult g = generated.get(k);
            String text = ctx.runtime().decode(g.tokens());
            texts.add(text);
            inputs.add(RewardInput.of(prompts.get(k / perPrompt), text, g.tokens().length));
        }
        List<RewardOutcome> outcomes = ctx.scorer().scoreAll(reward, inputs);
        List<Sample> samples = new ArrayList<>(generated.size());
        for (int k = 0; k < generated.size(); k++) {
            samples.add(new Sample(k / perPrompt, promptTokens.get(k / perPrompt), generated.get(k), texts.get(k),
                    outcomes.get(k)));
        }
        return samples;
    }

    /**
     * The seed of sample {@code index}: SplitMix64 of the request seed and the index. The engine seeds a
     * java.util.Random per row, whose first draws for consecutive seeds are nearly equal; without the mix every sample
     * of a group would draw almost the same numbers, and a group with no spread teaches GRPO nothing.
     */
    public static long sampleSeed(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Mean reward of the samples that have one (NaN if none has). */
    public static double meanReward(List<Sample> samples) {
        return samples.stream().filter(s -> !s.reward().failed()).mapToDouble(s -> s.reward().value()).average()
                .orElse(Double.NaN);
    }
}
