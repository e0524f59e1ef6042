package ai.mint.client;

import ai.mint.api.SampleResponse;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.events.SampleCall;
import java.util.concurrent.CompletableFuture;

/**
 * Samples an exported checkpoint ({@code mint://POLICY/sampler/NAME}) through the training API over Kafka: sample
 * calls keyed by the checkpoint's policy that name the adapter, so they batch with the other sample calls a worker
 * takes. Token-id and text prompts both work (the worker tokenizes).
 */
public final class KafkaSamplingClient implements SamplingClient {

    private final KafkaServiceClient service;
    private final String policyId;
    private final String adapterUri;

    KafkaSamplingClient(KafkaServiceClient service, String policyId, String adapterUri) {
        this.service = service;
        this.policyId = policyId;
        this.adapterUri = adapterUri;
    }

    /** The checkpoint every call of this client samples. */
    public String adapterUri() {
        return adapterUri;
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        return sample(SampleCall.newBuilder().setPromptTokens(TrainingCalls.boxed(promptTokens)), numSamples, params);
    }

    @Override
    public CompletableFuture<SampleResponse> sample(String prompt, int numSamples, SamplingConfig params) {
        return sample(SampleCall.newBuilder().setPromptText(prompt), numSamples, params);
    }

    private CompletableFuture<SampleResponse> sample(SampleCall.Builder call, int numSamples, SamplingConfig params) {
        try {
            return service.send(service.newRequest(policyId).setStateVersion(0).setSample(call
                    .setNumSamples(numSamples).setSampling(TrainingCalls.sampling(params)).setAdapterUri(adapterUri)
                    .build()).build(), "sample of " + adapterUri).thenApply(r -> TrainingCalls.sample(r.getSample()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
