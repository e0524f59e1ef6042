package ai.mint.training.rollout;

import ai.mint.engine.GenerationResult;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.generate.Generator;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;
import ai.mint.training.step.PolicyState;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Samples the rollouts of several policies in ONE generation batch over the shared base: every policy's current
 * weights go into a slot of one {@link LoraBank} and every row names its slot. Each row's seed is drawn from its
 * policy's own generator, so a policy's samples do not depend on which other policies share the batch, and a resumed
 * trainer draws the same samples.
 */
public final class RolloutSampler {

    private final DecoderModel model;
    private final Generator generator;
    private final TokenText text;
    private final int eos;

    public RolloutSampler(DecoderModel model, TokenText text) {
        this.model = model;
        this.text = text;
        int eosId = model.config().eosTokenId();
        this.eos = eosId >= 0 && eosId < model.config().vocabSize() ? eosId : -1;
        this.generator = new Generator(model, Math.max(eos, 0)); // pads are masked, any valid id works
    }

    /** One list of trajectories per request, prompt-major: prompt 0's group, then prompt 1's, ... */
    public List<List<RolloutSample>> sample(List<PolicyRollout> requests) {
        List<LoraWeights> adapters = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        List<GenerationParams> params = new ArrayList<>();
        List<Long> slots = new ArrayList<>();
        Set<Integer> stop = eos >= 0 ? Set.of(eos) : Set.of();
        for (int k = 0; k < requests.size(); k++) {
            PolicyRollout req = requests.get(k);
            adapters.add(req.policy().snapshot());
            for (Prompt p : req.prompts()) {
                for (int g = 0; g < req.groupSize(); g++) {
                    prompts.add(p.tokens());
                    params.add(new GenerationParams(req.maxTokens(), req.temperature(), 1.0,
                            req.policy().rng().nextLong(), stop));
                    slots.add(k + 1L);
                }
            }
        }
        List<GenerationResult> generated;
        try (LoraBank bank = LoraBank.of(model.base().manager(), model.config(), adapters)) {
            generated = generator.generate(prompts, params, bank, slots.stream().mapToLong(Long::longValue).toArray());
        }
        List<List<RolloutSample>> out = new ArrayList<>();
        int row = 0;
        for (PolicyRollout req : requests) {
            PolicyState policy = req.policy();
            List<RolloutSample> mine = new ArrayList<>();
            for (int pi = 0; pi < req.prompts().size(); pi++) {
                for (int g = 0; g < req.groupSize(); g++) {
                    GenerationResult r = generated.get(row++);
                    mine.add(new RolloutSample(policy.policyId(), policy.revision(), pi, g, req.prompts().get(pi).tokens(),
                            r.tokens(), r.logProbs(), text.decode(withoutStop(r.tokens())), r.finishReason()));
                }
            }
            out.add(mine);
        }
        return out;
    }

    /**
     * Samples {@code n} completions of one prompt from a fixed adapter (null = the base alone), seeding row i with
     * {@code seed + i}; used by sampling clients, which pin a revision rather than follow a trainer.
     */
    public List<GenerationResult> sampleFixed(LoraWeights adapter, int[] prompt, int n, int maxTokens,
                                              double temperature, long seed) {
        Set<Integer> stop = eos >= 0 ? Set.of(eos) : Set.of();
        List<int[]> prompts = new ArrayList<>();
        List<GenerationParams> params = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(prompt);
            params.add(new GenerationParams(maxTokens, temperature, 1.0, seed + i, stop));
        }
        long[] slots = new long[n];
        if (adapter == null) {
            return generator.generate(prompts, params, null, slots);
        }
        java.util.Arrays.fill(slots, 1L);
        try (LoraBank bank = LoraBank.of(model.base().manager(), model.config(), List.of(adapter))) {
            return generator.generate(prompts, params, bank, slots);
        }
    }

    private int[] withoutStop(int[] tokens) {
        int n = tokens.length;
        return n > 0 && tokens[n - 1] == eos ? java.util.Arrays.copyOf(tokens, n - 1) : tokens;
    }
}
