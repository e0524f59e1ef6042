package ai.mint.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Trains one LoRA policy over the shared base, shaped like Tinker's {@code TrainingClient}. Every call returns a
 * future; calls on one client take effect in the order they were made. {@code forwardBackward} accumulates gradients
 * until the next {@code optimStep}. Nothing here names a transport: gpu-consumers' {@code LocalServiceClient} runs it
 * in process, the client module's {@code KafkaServiceClient} over the training topics; one contract test holds both
 * to the same answers.
 */
public interface TrainingClient {

    /** The policy this client trains. */
    String policyId();

    /** The base model, vocabulary and LoRA shape this client trains on. */
    CompletableFuture<ModelInfo> getInfo();

    /** Computes {@code lossFn} on {@code batch} and its log-probs without accumulating any gradient. */
    CompletableFuture<ForwardBackwardOutput> forward(List<Datum> batch, LossFunction lossFn, LossConfig config);

    /** {@link #forward(List, LossFunction, LossConfig)} with the default clip range and no KL penalty. */
    default CompletableFuture<ForwardBackwardOutput> forward(List<Datum> batch, LossFunction lossFn) {
        return forward(batch, lossFn, LossConfig.DEFAULT);
    }

    /** Computes {@code lossFn} on {@code batch} with the given clip range / KL weight and accumulates its gradients. */
    CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn, LossConfig config);

    /** {@link #forwardBackward(List, LossFunction, LossConfig)} with clip 0.2 and no KL penalty. */
    default CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn) {
        return forwardBackward(batch, lossFn, LossConfig.DEFAULT);
    }

    /**
     * Tinker's {@code forward_backward_custom}: a {@link #forward} for the current log-probs, the caller's loss and
     * its gradient computed here, then a {@link #forwardBackward} of {@link CustomLoss#surrogate a surrogate} whose
     * gradient is exactly that one. It costs one extra forward pass, and its second call is made only when the first
     * has answered: wait for this future before the next call that must follow it (e.g. {@code optimStep}).
     */
    default CompletableFuture<ForwardBackwardOutput> forwardBackwardCustom(List<Datum> batch, CustomLoss loss) {
        return forward(batch, LossFunction.CROSS_ENTROPY).thenCompose(current -> {
            CustomLoss.Result custom = loss.compute(batch, current.logprobs());
            List<Datum> surrogate = CustomLoss.surrogate(batch, current.logprobs(), custom.gradients());
            return forwardBackward(surrogate, LossFunction.IMPORTANCE_SAMPLING).thenApply(done -> {
                Map<String, Double> metrics = new LinkedHashMap<>(done.metrics());
                metrics.putAll(custom.metrics());
                return new ForwardBackwardOutput(custom.loss(), metrics, current.logprobs());
            });
        });
    }

    /** Applies the accumulated gradients with Adam and clears them. */
    CompletableFuture<OptimStepResult> optimStep(AdamConfig params);

    /** Samples from the policy's current weights. */
    CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params);

    /** Samples from the policy's current weights for a text prompt, tokenized with the base's tokenizer. */
    CompletableFuture<SampleResponse> sample(String prompt, int numSamples, SamplingConfig params);

    /** Token ids of each text under the base's tokenizer (no special tokens added). */
    CompletableFuture<List<int[]>> encode(List<String> texts);

    /** The text of each token id sequence under the base's tokenizer. */
    CompletableFuture<List<String>> decode(List<int[]> sequences);

    /**
     * Saves adapter + Adam moments + step + RNG state as {@code mint://POLICY/state/NAME}, kept for {@code ttl}
     * (null: until deleted); resumable with {@link #loadStateWithOptimizer}.
     */
    CompletableFuture<SavedCheckpoint> saveState(String name, Duration ttl);

    /** {@link #saveState(String, Duration)} without a time limit. */
    default CompletableFuture<SavedCheckpoint> saveState(String name) {
        return saveState(name, null);
    }

    /** Loads the adapter weights of a saved state; the optimizer starts fresh. */
    CompletableFuture<Void> loadState(String uri);

    /** Loads the adapter weights, Adam moments, step and RNG of a saved state. */
    CompletableFuture<Void> loadStateWithOptimizer(String uri);

    /**
     * Exports the adapter alone (PEFT layout, sha-256) as {@code mint://POLICY/sampler/NAME} for sampling and serving,
     * kept for {@code ttl} (null: until deleted or retired by the catalog's retention).
     */
    CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name, Duration ttl);

    /** {@link #saveWeightsForSampler(String, Duration)} without a time limit. */
    default CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name) {
        return saveWeightsForSampler(name, null);
    }

    /** Exports the adapter and returns a client that samples from exactly that export. */
    CompletableFuture<SamplingClient> saveWeightsAndGetSamplingClient(String name);
}
