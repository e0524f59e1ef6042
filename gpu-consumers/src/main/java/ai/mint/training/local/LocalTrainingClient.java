package ai.mint.training.local;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.ModelInfo;
import ai.mint.api.OptimStepResult;
import ai.mint.api.SampleResponse;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.api.SavedCheckpoint;
import ai.mint.api.TrainingClient;
import ai.mint.training.checkpoint.CheckpointStore;
import ai.mint.training.sampling.PromptSampling;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A {@link TrainingClient} for one policy of a {@link LocalServiceClient}; all work runs on the training service. */
final class LocalTrainingClient implements TrainingClient {

    private final Policy policy;
    private final TrainingService service;
    private final PromptSampling sampling;
    private final CheckpointStore store;
    private final LocalServiceClient api;

    LocalTrainingClient(Policy policy, TrainingService service, PromptSampling sampling, CheckpointStore store,
                        LocalServiceClient api) {
        this.policy = policy;
        this.service = service;
        this.sampling = sampling;
        this.store = store;
        this.api = api;
    }

    @Override
    public String policyId() {
        return policy.policyId();
    }

    @Override
    public CompletableFuture<ModelInfo> getInfo() {
        return CompletableFuture.completedFuture(api.info(policy));
    }

    @Override
    public CompletableFuture<ForwardBackwardOutput> forward(List<Datum> batch, LossFunction lossFn, LossConfig config) {
        return checked(() -> service.forwardAll(List.of(new TrainingBatch(policy, batch, lossFn, config))).get(0));
    }

    @Override
    public CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn,
                                                                    LossConfig config) {
        return checked(() -> service.forwardBackward(new TrainingBatch(policy, batch, lossFn, config)));
    }

    @Override
    public CompletableFuture<OptimStepResult> optimStep(AdamConfig params) {
        return service.optimStep(policy, params);
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        // runs after every update submitted before this call, on the weights of that moment
        return checked(() -> sampling.sample(new PromptSampling.Call(policy, policy.adapterId(),
                sampling.prompt(promptTokens, null), numSamples, params)));
    }

    @Override
    public CompletableFuture<SampleResponse> sample(String prompt, int numSamples, SamplingConfig params) {
        return checked(() -> sampling.sample(new PromptSampling.Call(policy, policy.adapterId(),
                sampling.prompt(null, prompt), numSamples, params)));
    }

    @Override
    public CompletableFuture<List<int[]>> encode(List<String> texts) {
        return checked(() -> CompletableFuture.completedFuture(texts.stream().map(service.engine()::encode).toList()));
    }

    @Override
    public CompletableFuture<List<String>> decode(List<int[]> sequences) {
        return checked(() -> CompletableFuture.completedFuture(
                sequences.stream().map(service.engine()::decode).toList()));
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveState(String name, Duration ttl) {
        return checked(() -> store.saveState(policy, name, ttl));
    }

    @Override
    public CompletableFuture<Void> loadState(String uri) {
        return checked(() -> store.loadState(policy, uri, false));
    }

    @Override
    public CompletableFuture<Void> loadStateWithOptimizer(String uri) {
        return checked(() -> store.loadState(policy, uri, true));
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name, Duration ttl) {
        return checked(() -> store.exportForSampler(policy, name, ttl));
    }

    @Override
    public CompletableFuture<SamplingClient> saveWeightsAndGetSamplingClient(String name) {
        return saveWeightsForSampler(name).thenApply(saved -> api.createSamplingClient(saved.uri()));
    }

    /** A refusal before anything is queued (a bad address or batch) fails the future like any later failure. */
    private static <T> CompletableFuture<T> checked(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
