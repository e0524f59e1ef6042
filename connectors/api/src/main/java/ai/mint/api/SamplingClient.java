package ai.mint.api;

import java.util.concurrent.CompletableFuture;

/** Samples from one fixed, exported revision of a policy (Tinker's {@code SamplingClient}). */
public interface SamplingClient {

    /** Draws {@code numSamples} completions of {@code promptTokens}. */
    CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params);

    /** Draws {@code numSamples} completions of a text prompt, tokenized with the base's tokenizer. */
    CompletableFuture<SampleResponse> sample(String prompt, int numSamples, SamplingConfig params);
}
