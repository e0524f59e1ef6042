package ai.mint.training.local;

import ai.mint.api.SampleResponse;
import ai.mint.api.SampledSequence;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** Samples from one exported adapter revision, a serving adapter of the service's engine. */
final class LocalSamplingClient implements SamplingClient {

    private final String adapterId;
    private final TrainingService service;
    private final RolloutSampler sampler;

    LocalSamplingClient(String adapterId, TrainingService service, RolloutSampler sampler) {
        this.adapterId = adapterId;
        this.service = service;
        this.sampler = sampler;
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        return sample(service, sampler, null, adapterId, promptTokens, numSamples, params);
    }

    /** Samples {@code n} completions from {@code adapterId}; the response names {@code policy}'s revision (or -1). */
    static CompletableFuture<SampleResponse> sample(TrainingService service, RolloutSampler sampler, Policy policy,
                                                    String adapterId, int[] prompt, int n, SamplingConfig params) {
        if (n < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("numSamples must be >= 1, got " + n));
        }
        long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
        var rows = sampler.rows(adapterId, prompt, n, params.maxTokens(), params.temperature(), seed);
        return service.sampleAll(List.of(new TrainingService.SampleRequest(policy, rows))).get(0)
                .thenApply(s -> new SampleResponse(s.results().stream()
                        .map(r -> new SampledSequence(r.tokens(), r.logProbs(), r.finishReason())).toList(),
                        s.revision()));
    }
}
