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
import ai.mint.training.grpo.AdamOptimizer;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.step.PolicyBatch;
import ai.mint.training.step.PolicyOptimizer;
import ai.mint.training.step.PolicyState;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A {@link TrainingClient} for one policy of a {@link LocalServiceClient}; all work runs on the service's worker. */
final class LocalTrainingClient implements TrainingClient {

    private final PolicyState policy;
    private final TrainerWorker worker;
    private final RolloutSampler sampler;
    private final CheckpointStore store;
    private final LocalServiceClient service;

    LocalTrainingClient(PolicyState policy, TrainerWorker worker, RolloutSampler sampler, CheckpointStore store,
                        LocalServiceClient service) {
        this.policy = policy;
        this.worker = worker;
        this.sampler = sampler;
        this.store = store;
        this.service = service;
    }

    @Override
    public String policyId() {
        return policy.policyId();
    }

    @Override
    public CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn,
                                                                    LossConfig config) {
        PolicyBatch work;
        try {
            work = new PolicyBatch(policy, batch, lossFn, config);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return worker.forwardBackward(work).thenApply(r -> new ForwardBackwardOutput(r.loss(), r.metrics(), r.logprobs()));
    }

    @Override
    public CompletableFuture<OptimStepResult> optimStep(AdamConfig params) {
        return worker.submit(() -> {
            AdamOptimizer.StepStats s = PolicyOptimizer.step(policy, params);
            return new OptimStepResult(s.step(), s.gradNorm(), s.learningRate());
        });
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples, SamplingConfig params) {
        // the snapshot is taken on the worker, after every update submitted before this call
        record Pinned(ai.mint.engine.lora.LoraWeights adapter, long revision) {
        }
        return worker.submit(() -> new Pinned(policy.snapshot(), policy.revision()))
                .thenCompose(p -> LocalSamplingClient.sample(worker, sampler, p.adapter(), p.revision(), promptTokens,
                        numSamples, params));
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveState(String name) {
        return worker.submit(() -> store.saveState(policy, name));
    }

    @Override
    public CompletableFuture<Void> loadState(String uri) {
        return worker.submit(() -> {
            store.loadState(policy, uri, false);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> loadStateWithOptimizer(String uri) {
        return worker.submit(() -> {
            store.loadState(policy, uri, true);
            return null;
        });
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name) {
        return worker.submit(() -> store.exportForSampler(policy, name));
    }

    @Override
    public CompletableFuture<SamplingClient> saveWeightsAndGetSamplingClient(String name) {
        return saveWeightsForSampler(name).thenApply(saved -> service.createSamplingClient(saved.uri()));
    }
}
