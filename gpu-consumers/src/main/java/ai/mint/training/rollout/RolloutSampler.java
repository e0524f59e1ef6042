package ai.mint.training.rollout;

import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Samples the rollouts of several policies in ONE generation batch over the shared base, through the training
 * service: every row names its policy's adapter id, so the engine stacks the policies' device factors as they are
 * (no copy). Each row's seed is drawn from its policy's own generator, so a policy's samples do not depend on which
 * other policies share the batch, and a resumed policy draws the same samples.
 */
public final class RolloutSampler {

    private final TrainingService service;
    private final int eos;

    public RolloutSampler(TrainingService service) {
        this.service = service;
        var config = service.engine().config();
        int eosId = config.eosTokenId();
        this.eos = eosId >= 0 && eosId < config.vocabSize() ? eosId : -1;
    }

    /** One list of trajectories per request, prompt-major: prompt 0's group, then prompt 1's, ... */
    public List<List<RolloutSample>> sample(List<PolicyRollout> requests) {
        Set<Integer> stop = eos >= 0 ? Set.of(eos) : Set.of();
        List<TrainingService.SampleRequest> calls = new ArrayList<>();
        for (PolicyRollout req : requests) {
            List<GenerationRequest> rows = new ArrayList<>();
            for (Prompt p : req.prompts()) {
                for (int g = 0; g < req.groupSize(); g++) {
                    rows.add(new GenerationRequest(req.policy().adapterId(), p.tokens(), new GenerationParams(
                            req.maxTokens(), req.temperature(), 1.0, req.policy().nextSeed(), stop)));
                }
            }
            calls.add(new TrainingService.SampleRequest(req.policy(), rows));
        }
        List<CompletableFuture<TrainingService.Sampled>> pending = service.sampleAll(calls); // one batch
        List<List<RolloutSample>> out = new ArrayList<>();
        for (int k = 0; k < requests.size(); k++) {
            PolicyRollout req = requests.get(k);
            TrainingService.Sampled sampled = pending.get(k).join();
            Policy policy = req.policy();
            List<RolloutSample> mine = new ArrayList<>();
            int row = 0;
            for (int pi = 0; pi < req.prompts().size(); pi++) {
                for (int g = 0; g < req.groupSize(); g++) {
                    GenerationResult r = sampled.results().get(row++);
                    mine.add(new RolloutSample(policy.policyId(), sampled.revision(), pi, g,
                            req.prompts().get(pi).tokens(), r.tokens(), r.logProbs(),
                            service.engine().decode(withoutStop(r.tokens())), r.finishReason()));
                }
            }
            out.add(mine);
        }
        return out;
    }

    /**
     * Rows that sample {@code n} completions of one prompt from {@code adapterId} (a training policy's or a serving
     * adapter's; null = the base alone), row i seeded with {@code seed + i}.
     */
    public List<GenerationRequest> rows(String adapterId, int[] prompt, int n, int maxTokens, double temperature,
                                        long seed) {
        Set<Integer> stop = eos >= 0 ? Set.of(eos) : Set.of();
        List<GenerationRequest> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new GenerationRequest(adapterId, prompt, new GenerationParams(maxTokens, temperature, 1.0,
                    seed + i, stop)));
        }
        return rows;
    }

    private int[] withoutStop(int[] tokens) {
        int n = tokens.length;
        return n > 0 && tokens[n - 1] == eos ? Arrays.copyOf(tokens, n - 1) : tokens;
    }
}
