package ai.mint.client;

import ai.mint.api.SampleResponse;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.events.InferenceResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Samples one fixed revision of a policy through the serving path (inference request/response topics). Requests carry
 * text, because the tokenizer lives in the worker: {@link #sample(String, ai.mint.events.SamplingParams)} is the call
 * that works over Kafka, and the token-level {@link SamplingClient} method fails, naming it.
 */
public final class KafkaSamplingClient implements SamplingClient {

    private final MintClient client;
    private final String policyId;
    private final String revision;

    KafkaSamplingClient(MintClient client, String policyId, String revision) {
        this.client = client;
        this.policyId = policyId;
        this.revision = revision;
    }

    /** The revision every request of this client is pinned to. */
    public String revision() {
        return revision;
    }

    /** Completes {@code prompt} with the pinned revision; the response names the revision that answered. */
    public CompletableFuture<InferenceResponse> sample(String prompt, ai.mint.events.SamplingParams sampling) {
        return client.sample(policyId, prompt, sampling, revision);
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "sampling token ids over Kafka: inference requests carry a text prompt (the tokenizer lives in the "
                        + "worker), so there is no event for a token-id prompt; use sample(String prompt, "
                        + "ai.mint.events.SamplingParams) on this KafkaSamplingClient"));
    }
}
