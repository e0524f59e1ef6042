package ai.mint.training.local;

import ai.mint.api.LoraConfig;
import ai.mint.api.ModelInfo;
import ai.mint.api.RestClient;
import ai.mint.api.SamplingClient;
import ai.mint.api.SavedCheckpoint;
import ai.mint.api.ServiceClient;
import ai.mint.api.TrainingClient;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.Projection;
import ai.mint.training.TrainingException;
import ai.mint.training.checkpoint.CheckpointStore;
import ai.mint.training.checkpoint.CheckpointUri;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.sampling.PromptSampling;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The training API in process: one resident base, any number of LoRA policies trained over it, all model work on
 * the {@link TrainingService}, which merges concurrent forward/backward calls of different policies into one batched
 * step and concurrent sampling calls into one generation batch. Checkpoints go to a {@link CheckpointStore}; exported
 * revisions are sampled as serving adapters of the same engine. The caller keeps ownership of the service.
 */
public final class LocalServiceClient implements ServiceClient {

    private final String baseModel;
    private final TrainingService service;
    private final PromptSampling sampling;
    private final CheckpointStore store;
    private final Map<String, Policy> policies = new ConcurrentHashMap<>();
    private final AtomicLong policyCounter = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The API over {@code service}'s engine, known to callers as {@code baseModel}. */
    public LocalServiceClient(String baseModel, TrainingService service, Path checkpointRoot) {
        this.baseModel = baseModel;
        this.service = service;
        this.sampling = new PromptSampling(service);
        this.store = new CheckpointStore(checkpointRoot, service);
    }

    @Override
    public List<String> supportedBaseModels() {
        return List.of(baseModel);
    }

    @Override
    public TrainingClient createLoraTrainingClient(String base, LoraConfig lora) {
        String id;
        do { // skips ids a caller chose explicitly; the counter keeps concurrent callers apart
            id = "policy-" + policyCounter.incrementAndGet();
        } while (policies.containsKey(id));
        return createLoraTrainingClient(base, lora, id);
    }

    /** As {@link #createLoraTrainingClient(String, LoraConfig)}, with the policy's id chosen by the caller. */
    public TrainingClient createLoraTrainingClient(String base, LoraConfig lora, String policyId) {
        if (!baseModel.equals(base)) {
            throw new TrainingException("base model '" + base + "' is not resident here; this service has " + baseModel);
        }
        new CheckpointUri(policyId, "state", "x"); // validates the id as an address component
        if (lora.targetModules().stream().anyMatch(m -> m.equals("lm_head"))) {
            throw new TrainingException("a LoRA on lm_head (train_unembed) is not supported by this engine");
        }
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        lora.targetModules().forEach(m -> targets.add(Projection.fromPeftName(m)));
        LoraWeights init = LoraWeights.random(service.engine().config(), targets, lora.rank(), (float) lora.alpha(),
                lora.seed(), false);
        Policy policy = service.createPolicy(policyId, init, lora.seed(), LrSchedule.CONSTANT).join();
        if (policies.putIfAbsent(policyId, policy) != null) {
            service.closePolicy(policy).join();
            throw new TrainingException("policy '" + policyId + "' already has a training client");
        }
        return new LocalTrainingClient(policy, service, sampling, store, this);
    }

    /**
     * A training client of a policy whose state the caller created on this service and keeps (the worker's update
     * role, which files trainer states in its adapter store): the client steps it through the API; the state stays
     * the caller's to save and close.
     */
    public TrainingClient trainingClientOf(Policy policy) {
        return new LocalTrainingClient(policy, service, sampling, store, this);
    }

    /**
     * Runs {@code calls} on clients of this service and queues what they asked for only when they return, back to
     * back: forward/backward calls of distinct policies made inside run as ONE K-policy step. {@code calls} must not
     * wait for the futures it gets (see {@link TrainingService#together}).
     */
    public <T> T together(Supplier<T> calls) {
        return service.together(calls);
    }

    @Override
    public SamplingClient createSamplingClient(String adapterUri) {
        CheckpointUri uri = CheckpointUri.parse(adapterUri);
        if (!uri.kind().equals("sampler")) {
            throw new TrainingException(adapterUri + " is a training state; sampling needs a sampler export");
        }
        Path dir = store.existing(uri, PeftAdapterIo.WEIGHTS);
        // the export is a serving adapter of the same engine, read (and checked) now, loaded on first use; an
        // address exported again (same name, newer weights) replaces the copy a sampler may have made resident
        PeftAdapterIo.read(dir, service.engine().config());
        if (service.engine().residentAdapters().contains(adapterUri)) {
            service.engine().replaceAdapter(adapterUri, dir);
        } else {
            service.engine().registerAdapter(adapterUri, dir);
        }
        return new LocalSamplingClient(adapterUri, sampling);
    }

    @Override
    public RestClient createRestClient() {
        return new RestClient() {
            @Override
            public CompletableFuture<List<SavedCheckpoint>> listCheckpoints(String policyId) {
                return run(() -> store.list(policyId));
            }

            @Override
            public CompletableFuture<Void> deleteCheckpoint(String uri) {
                return run(() -> {
                    store.delete(uri);
                    return null;
                });
            }
        };
    }

    /** What a training client of {@code policy} reports as its info. */
    ModelInfo info(Policy policy) {
        var config = service.engine().config();
        return new ModelInfo(baseModel, config.vocabSize(), config.eosTokenId(), service.engine().maxPositions(),
                policy.rank(), policy.targets().stream().map(Projection::peftName).toList());
    }

    private static <T> CompletableFuture<T> run(java.util.function.Supplier<T> work) {
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The service this API runs on (tests hold it to queue work around the API's calls). */
    public TrainingService service() {
        return service;
    }

    /** Closes every policy's device state (after the work queued so far). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        policies.values().forEach(p -> service.closePolicy(p).exceptionally(e -> null).join());
        policies.clear();
    }
}
