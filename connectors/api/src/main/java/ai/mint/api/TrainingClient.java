package ai.mint.api;


import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Trains one LoRA policy over the shared base, shaped like Tinker's {@code TrainingClient}. Every call returns a
 * future; calls on one client take effect in the order they were made. {@code forwardBackward} accumulates gradients
 * until the next {@code optimStep}. Nothing here names a transport: gpu-consumers' {@code LocalServiceClient} runs it
 * in process, {@link ai.mint.client.KafkaTrainingClient} over the lifecycle topics (where a call has no event yet, its
 * future fails with an {@link UnsupportedOperationException} naming the Kafka call to use instead).
 */
public interface TrainingClient {

    /** The policy this client trains. */
    String policyId();

    /** Computes {@code lossFn} on {@code batch} with the given clip range / KL weight and accumulates its gradients. */
    CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn, LossConfig config);

    /** {@link #forwardBackward(List, LossFunction, LossConfig)} with clip 0.2 and no KL penalty. */
    default CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn) {
        return forwardBackward(batch, lossFn, LossConfig.DEFAULT);
    }

    /** Applies the accumulated gradients with Adam and clears them. */
    CompletableFuture<OptimStepResult> optimStep(AdamConfig params);

    /** Samples from the policy's current weights. */
    CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params);

    /** Saves adapter + Adam moments + step + RNG state under {@code name}; resumable with {@link #loadStateWithOptimizer}. */
    CompletableFuture<SavedCheckpoint> saveState(String name);

    /** Loads the adapter weights of a saved state; the optimizer starts fresh. */
    CompletableFuture<Void> loadState(String uri);

    /** Loads the adapter weights, Adam moments, step and RNG of a saved state. */
    CompletableFuture<Void> loadStateWithOptimizer(String uri);

    /** Exports the adapter alone (PEFT layout, sha-256) for sampling and serving. */
    CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name);

    /** Exports the adapter and returns a client that samples from exactly that revision. */
    CompletableFuture<SamplingClient> saveWeightsAndGetSamplingClient(String name);
}
