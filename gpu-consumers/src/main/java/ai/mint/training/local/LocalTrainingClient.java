package ai.mint.training.local;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.OptimStepResult;
import ai.mint.api.SampleResponse;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.api.SavedCheckpoint;
import ai.mint.api.TrainingClient;
import ai.mint.training.checkpoint.CheckpointStore;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A {@link TrainingClient} for one policy of a {@link LocalServiceClient}; all work runs on the training service. */
final class LocalTrainingClient implements TrainingClient {

    private final Policy policy;
    private final TrainingService service;
    private final RolloutSampler sampler;
    private final CheckpointStore store;
    private final LocalServiceClient api;

    LocalTrainingClient(Policy policy, TrainingService service, RolloutSampler sampler, CheckpointStore store,
                        LocalServiceClient api) {
        this.policy = policy;
        this.service = service;
        this.sampler = sampler;
        this.store = store;
        this.api = api;
    }

    @Override
    public String policyId() {
        return policy.policyId();
    }

    @Override
    public CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn,
                                                                    LossConfig config) {
        return service.forwardBackward(new TrainingBatch(policy, batch, lossFn, config));
    }

    @Override
    public CompletableFuture<OptimStepResult> optimStep(AdamConfig params) {
        return service.optimStep(policy, params);
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        // runs after every update submitted before this call, on the weights of that moment
        return LocalSamplingClient.sample(service, sampler, policy, policy.adapterId(), promptTokens, numSamples,
                params);
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveState(String name) {
        return checked(() -> store.saveState(policy, name));
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
    public CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name) {
        return checked(() -> store.exportForSampler(policy, name));
    }

    @Override
    public CompletableFuture<SamplingClient> saveWeightsAndGetSamplingClient(String name) {
        return saveWeightsForSampler(name).thenApply(saved -> api.createSamplingClient(saved.uri()));
    }

    /** A refusal before anything is queued (a bad address) fails the future like any later failure. */
    private static <T> CompletableFuture<T> checked(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
