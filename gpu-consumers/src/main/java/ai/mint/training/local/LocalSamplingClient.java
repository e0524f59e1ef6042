package ai.mint.training.local;

import ai.mint.api.SampleResponse;
import ai.mint.api.SampledSequence;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.training.rollout.RolloutSampler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** Samples from one fixed adapter revision, held in Java memory, on the service's worker thread. */
final class LocalSamplingClient implements SamplingClient {

    private final LoraWeights adapter;
    private final long revision;
    private final TrainerWorker worker;
    private final RolloutSampler sampler;

    LocalSamplingClient(LoraWeights adapter, TrainerWorker worker, RolloutSampler sampler) {
        this(adapter, -1, worker, sampler);
    }

    LocalSamplingClient(LoraWeights adapter, long revision, TrainerWorker worker, RolloutSampler sampler) {
        this.adapter = adapter;
        this.revision = revision;
        this.worker = worker;
        this.sampler = sampler;
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        return sample(worker, sampler, adapter, revision, promptTokens, numSamples, params);
    }

    static CompletableFuture<SampleResponse> sample(TrainerWorker worker, RolloutSampler sampler, LoraWeights adapter,
                                                    long revision, int[] prompt, int n, SamplingConfig params) {
        if (n < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("numSamples must be >= 1, got " + n));
        }
        long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
        return worker.submit(() -> {
            List<GenerationResult> results = sampler.sampleFixed(adapter, prompt, n, params.maxTokens(),
                    params.temperature(), seed);
            return new SampleResponse(results.stream()
                    .map(r -> new SampledSequence(r.tokens(), r.logProbs(), r.finishReason())).toList(), revision);
        });
    }
}
