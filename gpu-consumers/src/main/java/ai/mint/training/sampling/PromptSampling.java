package ai.mint.training.sampling;

import ai.mint.api.SampleResponse;
import ai.mint.api.SampledSequence;
import ai.mint.api.SamplingConfig;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.training.TrainingException;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tinker's sample call on the training service, for the in-process API and the worker alike: {@code n} completions
 * of one prompt (token ids, or text tokenized with the base's tokenizer) from a training policy's current weights or
 * a serving adapter, in one generation batch that the service may merge with other callers', cut at stop strings
 * and decoded to text.
 */
public final class PromptSampling {

    private final TrainingService service;
    private final RolloutSampler sampler;

    public PromptSampling(TrainingService service) {
        this.service = service;
        this.sampler = new RolloutSampler(service);
    }

    /** A call that {@link #sampleAll} runs: the adapter to sample and, for a training policy, that policy. */
    public record Call(Policy policy, String adapterId, int[] prompt, int numSamples, SamplingConfig params) {
    }

    /** The prompt's token ids: {@code tokens} if given, else {@code text} tokenized; refuses an empty prompt. */
    public int[] prompt(int[] tokens, String text) {
        int[] prompt = tokens != null ? tokens : text == null ? null : service.engine().encode(text);
        if (prompt == null || prompt.length == 0) {
            throw new TrainingException("a sample call needs a non-empty prompt (token ids or text)");
        }
        return prompt;
    }

    /** Samples one call. */
    public CompletableFuture<SampleResponse> sample(Call call) {
        return sampleAll(List.of(call)).get(0);
    }

    /** Queues the calls together, so that the service runs them as one generation batch; each fails on its own. */
    public List<CompletableFuture<SampleResponse>> sampleAll(List<Call> calls) {
        List<CompletableFuture<SampleResponse>> out = new ArrayList<>(calls.size());
        List<TrainingService.SampleRequest> requests = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            out.add(null);
            try {
                if (c.numSamples() < 1) {
                    throw new TrainingException("numSamples must be >= 1, got " + c.numSamples());
                }
                long seed = c.params().seed() != null ? c.params().seed() : ThreadLocalRandom.current().nextLong();
                List<GenerationRequest> rows = sampler.rows(c.adapterId(), c.prompt(), c.numSamples(),
                        c.params().maxTokens(), c.params().temperature(), seed);
                requests.add(new TrainingService.SampleRequest(c.policy(), rows));
                positions.add(i);
            } catch (RuntimeException e) {
                out.set(i, CompletableFuture.failedFuture(e));
            }
        }
        List<CompletableFuture<TrainingService.Sampled>> sampled = service.sampleAll(requests);
        for (int k = 0; k < sampled.size(); k++) {
            Call c = calls.get(positions.get(k));
            out.set(positions.get(k), sampled.get(k).thenApply(s -> response(s, c.params())));
        }
        return out;
    }

    private SampleResponse response(TrainingService.Sampled sampled, SamplingConfig params) {
        List<SampledSequence> sequences = new ArrayList<>(sampled.results().size());
        for (GenerationResult raw : sampled.results()) {
            GenerationResult r = StopStrings.apply(raw, params.stop(), service.engine()::decode);
            sequences.add(new SampledSequence(r.tokens(), r.logProbs(), r.finishReason(),
                    service.engine().decode(r.tokens())));
        }
        return new SampleResponse(sequences, sampled.revision());
    }
}
