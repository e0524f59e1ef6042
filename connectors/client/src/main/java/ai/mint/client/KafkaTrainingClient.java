package ai.mint.client;

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
import ai.mint.events.ForwardBackwardCall;
import ai.mint.events.InfoCall;
import ai.mint.events.LoadStateCall;
import ai.mint.events.OptimStepCall;
import ai.mint.events.SampleCall;
import ai.mint.events.SaveCheckpointCall;
import ai.mint.events.TokenizeCall;
import ai.mint.events.TrainingReply;
import ai.mint.events.TrainingRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;

/**
 * The training API of one policy over Kafka: each call is a {@link TrainingRequest} on {@code mint.training.requests}
 * keyed by the policy (so the worker that owns its partition takes its calls in order) and answered on this client's
 * own reply topic. Calls run one after another, in the order they were made; each names the policy's state version
 * it expects (the last state-changing reply's), so any worker continues from exactly that state.
 *
 * <p>Gradients of forward_backward live in the memory of the worker that computed them. When the policy's partition
 * moved before the optim_step that applies them, that step is answered as retriable; this client then sends those
 * forward_backward calls again (it keeps their batches until the step) and the step after them, up to
 * {@link #MAX_STEP_ATTEMPTS} times.
 */
public final class KafkaTrainingClient implements TrainingClient {

    /** How often an optim_step is tried when its gradients are not on the worker that takes it. */
    static final int MAX_STEP_ATTEMPTS = 3;

    private final KafkaServiceClient service;
    private final String policyId;
    private final Object lock = new Object();
    /** The previous call; the next one starts when it has finished. */
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    /** The state version the next call expects; touched only by the call in flight. */
    private volatile long stateVersion;
    /** The forward_backward calls since the last optim_step, sent again if their gradients were lost. */
    private final List<TrainingRequest> accumulated = new ArrayList<>();

    KafkaTrainingClient(KafkaServiceClient service, String policyId, long stateVersion) {
        this.service = service;
        this.policyId = policyId;
        this.stateVersion = stateVersion;
    }

    @Override
    public String policyId() {
        return policyId;
    }

    /** The version of the policy's training state this client's next call expects. */
    public long stateVersion() {
        return stateVersion;
    }

    @Override
    public CompletableFuture<ModelInfo> getInfo() {
        return call("get_info", b -> b.setInfo(InfoCall.newBuilder().build()))
                .thenApply(r -> TrainingCalls.info(r.getInfo()));
    }

    @Override
    public CompletableFuture<ForwardBackwardOutput> forward(List<Datum> batch, LossFunction lossFn, LossConfig config) {
        return call("forward", b -> b.setForwardBackward(forwardBackwardCall(batch, lossFn, config, false)))
                .thenApply(r -> TrainingCalls.forwardBackward(r.getForwardBackward()));
    }

    @Override
    public CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn,
                                                                    LossConfig config) {
        return serially(() -> {
            TrainingRequest q = request(b -> b.setForwardBackward(forwardBackwardCall(batch, lossFn, config, true)));
            return service.send(q, "forward_backward of " + policyId).thenApply(r -> {
                accumulated.add(q);
                return TrainingCalls.forwardBackward(r.getForwardBackward());
            });
        });
    }

    @Override
    public CompletableFuture<OptimStepResult> optimStep(AdamConfig params) {
        return serially(() -> optimStep(params, 1)).thenApply(r -> TrainingCalls.optimStep(r.getOptimStep()));
    }

    private CompletableFuture<TrainingReply> optimStep(AdamConfig params, int attempt) {
        List<String> ids = accumulated.stream().map(TrainingRequest::getCorrelationId).toList();
        TrainingRequest q = request(b -> b.setOptimStep(OptimStepCall.newBuilder()
                .setAdam(TrainingCalls.adam(params)).setGradientIds(ids).build()));
        return service.sendRaw(q, "optim_step of " + policyId).thenCompose(r -> {
            if (r.getError() == null) {
                accumulated.clear();
                stateVersion = r.getStateVersion();
                return CompletableFuture.completedFuture(r);
            }
            if (!r.getRetriable() || attempt >= MAX_STEP_ATTEMPTS) {
                accumulated.clear(); // the worker dropped them
                return CompletableFuture.failedFuture(new MintClientException("optim_step of " + policyId
                        + " failed" + (r.getRetriable() ? " after " + attempt + " attempts" : "") + ": " + r.getError()));
            }
            return resendAccumulated().thenCompose(v -> optimStep(params, attempt + 1));
        });
    }

    /**
     * Sends the accumulated forward_backward calls again, in order, each with a fresh correlation id (the reply channel
     * drops a second answer to an id it answered already); the step that follows names the new ids.
     */
    private CompletableFuture<Void> resendAccumulated() {
        List<TrainingRequest> old = List.copyOf(accumulated);
        accumulated.clear();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (TrainingRequest call : old) {
            chain = chain.thenCompose(v -> {
                TrainingRequest again = TrainingRequest.newBuilder(call).setEventId(KafkaServiceClient.newId())
                        .setCorrelationId(KafkaServiceClient.newId()).setStateVersion(stateVersion).build();
                return service.send(again, "forward_backward of " + policyId + " (sent again)")
                        .thenAccept(r -> accumulated.add(again));
            });
        }
        return chain;
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
        return call("sample", b -> b.setSample(call.setNumSamples(numSamples)
                .setSampling(TrainingCalls.sampling(params)).build())).thenApply(r -> TrainingCalls.sample(r.getSample()));
    }

    @Override
    public CompletableFuture<List<int[]>> encode(List<String> texts) {
        return call("encode", b -> b.setTokenize(TokenizeCall.newBuilder().setTexts(texts).build()))
                .thenApply(r -> r.getTokens().stream().map(TrainingCalls::ints).toList());
    }

    @Override
    public CompletableFuture<List<String>> decode(List<int[]> sequences) {
        return call("decode", b -> b.setTokenize(TokenizeCall.newBuilder()
                .setSequences(sequences.stream().map(TrainingCalls::boxed).toList()).build()))
                .thenApply(TrainingReply::getTexts);
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveState(String name, Duration ttl) {
        return save(SavedCheckpoint.Kind.TRAINING_STATE, name, ttl);
    }

    @Override
    public CompletableFuture<Void> loadState(String uri) {
        return load(uri, false);
    }

    @Override
    public CompletableFuture<Void> loadStateWithOptimizer(String uri) {
        return load(uri, true);
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name, Duration ttl) {
        return save(SavedCheckpoint.Kind.SAMPLER_WEIGHTS, name, ttl);
    }

    @Override
    public CompletableFuture<SamplingClient> saveWeightsAndGetSamplingClient(String name) {
        return saveWeightsForSampler(name).thenApply(saved -> service.createSamplingClient(saved.uri()));
    }

    private CompletableFuture<SavedCheckpoint> save(SavedCheckpoint.Kind kind, String name, Duration ttl) {
        return call("save " + kind.pathName() + " '" + name + "'", b -> b.setSaveCheckpoint(SaveCheckpointCall
                .newBuilder().setKind(kind.pathName()).setName(name).setTtlMs(ttl == null ? null : ttl.toMillis())
                .build())).thenApply(r -> TrainingCalls.checkpoint(r.getCheckpoint()));
    }

    private CompletableFuture<Void> load(String uri, boolean withOptimizer) {
        return call("load_state " + uri, b -> b.setLoadState(LoadStateCall.newBuilder().setUri(uri)
                .setWithOptimizer(withOptimizer).build())).thenApply(r -> {
                    accumulated.clear(); // a load replaces the weights the gradients were computed on
                    return null;
                });
    }

    private static ForwardBackwardCall forwardBackwardCall(List<Datum> batch, LossFunction lossFn, LossConfig config,
                                                           boolean backward) {
        return ForwardBackwardCall.newBuilder().setData(TrainingCalls.data(batch)).setLossFn(lossFn.wireName())
                .setLoss(TrainingCalls.loss(config)).setBackward(backward).build();
    }

    /** One call after the previous ones; a state-changing reply moves the state version on. */
    private CompletableFuture<TrainingReply> call(String what, Consumer<TrainingRequest.Builder> fill) {
        return serially(() -> service.send(request(fill), what + " of " + policyId).thenApply(r -> {
            stateVersion = r.getStateVersion();
            return r;
        }));
    }

    private TrainingRequest request(Consumer<TrainingRequest.Builder> fill) {
        TrainingRequest.Builder b = service.newRequest(policyId).setStateVersion(stateVersion);
        fill.accept(b);
        return b.build();
    }

    /** Runs {@code next} once every call made before it has finished (whatever its outcome). */
    private <T> CompletableFuture<T> serially(java.util.function.Supplier<CompletableFuture<T>> next) {
        synchronized (lock) {
            CompletableFuture<T> result = tail.handle((r, e) -> null).thenCompose(v -> {
                try {
                    return next.get();
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            });
            tail = result;
            return result;
        }
    }
}
