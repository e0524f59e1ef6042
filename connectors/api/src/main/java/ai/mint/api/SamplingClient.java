package ai.mint.api;

import java.util.concurrent.CompletableFuture;

/** Samples from one fixed revision of a policy (Tinker's {@code SamplingClient}). */
public interface SamplingClient {

    /** Draws {@code numSamples} completions of {@code promptTokens}. */
    CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params);
}
