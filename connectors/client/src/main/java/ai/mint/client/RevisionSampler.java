package ai.mint.client;

import ai.mint.events.InferenceResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Samples one fixed catalog revision of a policy through the serving path (inference request/response topics, text
 * prompts). Sampling an exported checkpoint through the training API is {@link KafkaSamplingClient}.
 */
public final class RevisionSampler {

    private final MintClient client;
    private final String policyId;
    private final String revision;

    RevisionSampler(MintClient client, String policyId, String revision) {
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
}
