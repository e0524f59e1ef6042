package ai.mint.training.local;

import ai.mint.api.SampleResponse;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.training.sampling.PromptSampling;

import java.util.concurrent.CompletableFuture;

/** Samples from one exported adapter revision, a serving adapter of the service's engine. */
final class LocalSamplingClient implements SamplingClient {

    private final String adapterId;
    private final PromptSampling sampling;

    LocalSamplingClient(String adapterId, PromptSampling sampling) {
        this.adapterId = adapterId;
        this.sampling = sampling;
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        return sample(promptTokens, null, numSamples, params);
    }

    @Override
    public CompletableFuture<SampleResponse> sample(String prompt, int numSamples, SamplingConfig params) {
        return sample(null, prompt, numSamples, params);
    }

    private CompletableFuture<SampleResponse> sample(int[] tokens, String text, int n, SamplingConfig params) {
        try {
            return sampling.sample(new PromptSampling.Call(null, adapterId, sampling.prompt(tokens, text), n, params));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
