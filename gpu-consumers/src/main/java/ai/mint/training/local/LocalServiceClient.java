package ai.mint.training.local;

import ai.mint.api.LoraConfig;
import ai.mint.api.SamplingClient;
import ai.mint.api.ServiceClient;
import ai.mint.api.TrainingClient;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;
import ai.mint.training.TrainingException;
import ai.mint.training.checkpoint.CheckpointStore;
import ai.mint.training.checkpoint.CheckpointUri;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.rollout.TokenText;
import ai.mint.training.step.PolicyState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The training API in process: one resident base, any number of LoRA policies trained over it, all model work on one
 * {@link TrainerWorker} thread that merges concurrent forward/backward calls of different policies into one batched
 * step. Checkpoints go to a {@link CheckpointStore}. The caller keeps ownership of the model.
 */
public final class LocalServiceClient implements ServiceClient {

    private final String baseModel;
    private final DecoderModel model;
    private final TrainerWorker worker;
    private final RolloutSampler sampler;
    private final CheckpointStore store;
    private final Map<String, PolicyState> policies = new ConcurrentHashMap<>();
    private final AtomicLong policyCounter = new AtomicLong();
    private final TokenText ownedText; // closed with the service; null when the caller owns the tokenizer
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A service over {@code model} using {@code text}; the caller keeps ownership of both and closes them. */
    public LocalServiceClient(String baseModel, DecoderModel model, TokenText text, Path checkpointRoot) {
        this(baseModel, model, text, checkpointRoot, false);
    }

    private LocalServiceClient(String baseModel, DecoderModel model, TokenText text, Path checkpointRoot,
                               boolean ownsText) {
        this.baseModel = baseModel;
        this.model = model;
        this.worker = new TrainerWorker(model);
        this.sampler = new RolloutSampler(model, text);
        this.store = new CheckpointStore(checkpointRoot);
        this.ownedText = ownsText ? text : null;
    }

    /**
     * A service that opens the tokenizer of {@code modelDir} itself and closes it in {@link #close()}; the caller
     * still owns the model.
     */
    public static LocalServiceClient open(String baseModel, DecoderModel model, Path modelDir, Path checkpointRoot) {
        TokenText text = TokenText.open(modelDir);
        try {
            return new LocalServiceClient(baseModel, model, text, checkpointRoot, true);
        } catch (RuntimeException e) {
            text.close();
            throw e;
        }
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
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        lora.targetModules().forEach(m -> targets.add(Projection.fromPeftName(m)));
        LoraWeights init = LoraWeights.random(model.config(), targets, lora.rank(), (float) lora.alpha(), lora.seed(), false);
        PolicyState state = worker.call(() -> new PolicyState(policyId, model.config(), init, model.base().manager(),
                lora.seed()));
        if (policies.putIfAbsent(policyId, state) != null) {
            worker.call(() -> {
                state.close();
                return null;
            });
            throw new TrainingException("policy '" + policyId + "' already has a training client");
        }
        return new LocalTrainingClient(state, worker, sampler, store, this);
    }

    @Override
    public SamplingClient createSamplingClient(String adapterUri) {
        Path dir = store.resolve(adapterUri);
        if (!Files.isRegularFile(dir.resolve(PeftAdapterIo.WEIGHTS))) {
            throw new TrainingException("no exported adapter at " + adapterUri + " (looked in " + dir + ")");
        }
        LoraWeights adapter = PeftAdapterIo.read(dir, model.config());
        return new LocalSamplingClient(adapter, worker, sampler);
    }

    TrainerWorker worker() {
        return worker;
    }

    /** Closes every policy and stops the worker (and closes the tokenizer if {@link #open} opened it). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.call(() -> {
                policies.values().forEach(PolicyState::close);
                return null;
            });
            policies.clear();
            worker.close();
        } finally {
            if (ownedText != null) {
                ownedText.close();
            }
        }
    }
}
