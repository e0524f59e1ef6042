package ai.mint.engine;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.api.AdamConfig;
import ai.mint.engine.generate.Generator;
import ai.mint.engine.lora.AdapterCache;
import ai.mint.engine.lora.AdapterSlots;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraMerger;
import ai.mint.engine.lora.MergedWeights;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.ByteLevelTokenizerFile;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.train.LoraTrainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The DJL implementation of {@link TrainableEngine}: loads the base once, keeps serving adapters in
 * {@link AdapterSlots} and training policies in a {@link LoraTrainer}, and runs each generation batch as one
 * heterogeneous forward per step over a {@link LoraBank} stacked from the batch's adapters of either kind. Its base
 * weights can be replaced while it stays open ({@link #replaceBase}): generation and training steps wait for the swap.
 */
public final class LoraEngine implements TrainableEngine {

    private final DecoderModel model;
    private final AdapterCache store;
    private final AdapterSlots slots;
    private final LoraTrainer trainer;
    private final HuggingFaceTokenizer tokenizer;
    private final Generator generator;
    private volatile boolean closed;
    // generation and training read the base weights (read lock); replaceBase overwrites them in place (write lock)
    private final ReadWriteLock baseWeights = new ReentrantReadWriteLock();

    private LoraEngine(DecoderModel model, AdapterCache store, AdapterSlots slots, HuggingFaceTokenizer tokenizer,
                       int prefillRows) {
        this.model = model;
        this.store = store;
        this.slots = slots;
        this.trainer = new LoraTrainer(model);
        this.tokenizer = tokenizer;
        this.generator = new Generator(model, padToken(model), prefillRows);
    }

    public static LoraEngine open(EngineConfig config) {
        // PyTorch reads its thread count once, when the engine first starts
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(config.threads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Device device = switch (config.device().toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> Device.gpu();
            default -> Device.fromName(config.device());
        };
        DecoderModel model = HfModelLoader.load(config.baseDir(), device);
        HuggingFaceTokenizer tokenizer = null;
        Path tok = config.baseDir().resolve("tokenizer.json");
        if (Files.isRegularFile(tok)) {
            try {
                tokenizer = HuggingFaceTokenizer.newInstance(tok, Map.of("addSpecialTokens", "false"));
            } catch (IOException | RuntimeException e) {
                model.base().close();
                throw new EngineException("cannot load " + tok + ": " + e.getMessage(), e);
            }
        }
        AdapterCache store = new AdapterCache(model.config(), config.cpuCacheBytes());
        AdapterSlots slots = new AdapterSlots(model.config(), model.base().manager(), store,
                config.adapterBudgetBytes());
        return new LoraEngine(model, store, slots, tokenizer, config.prefillRows());
    }

    private static int padToken(DecoderModel model) {
        int eos = model.config().eosTokenId();
        return eos >= 0 && eos < model.config().vocabSize() ? eos
                : Math.min(ByteLevelTokenizerFile.PAD, model.config().vocabSize() - 1);
    }

    @Override
    public List<GenerationResult> generate(List<GenerationRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> slotOf = new LinkedHashMap<>();
        for (GenerationRequest r : batch) {
            if (r.adapterId() != null) {
                slotOf.putIfAbsent(r.adapterId(), slotOf.size() + 1);
            }
            for (int t : r.promptTokens()) {
                if (t < 0 || t >= model.config().vocabSize()) {
                    throw new EngineException("prompt token " + t + " is outside the vocabulary 0.."
                            + (model.config().vocabSize() - 1));
                }
            }
            model.checkFits(r.promptTokens().length, r.sampling().maxTokens());
        }
        baseWeights.readLock().lock();
        try {
            return generate(batch, slotOf);
        } finally {
            baseWeights.readLock().unlock();
        }
    }

    private List<GenerationResult> generate(List<GenerationRequest> batch, Map<String, Integer> slotOf) {
        List<String> serving = slotOf.keySet().stream().filter(id -> !LoraTrainer.isPolicyAdapter(id)).toList();
        List<DeviceAdapter> pinned = slots.acquire(serving);
        try {
            Map<String, DeviceAdapter> byId = new HashMap<>();
            for (int i = 0; i < serving.size(); i++) {
                byId.put(serving.get(i), pinned.get(i));
            }
            List<DeviceAdapter> adapters = new ArrayList<>();
            for (String id : slotOf.keySet()) { // in slot order
                adapters.add(byId.containsKey(id) ? byId.get(id) : trainer.adapter(id));
            }
            try (LoraBank bank = adapters.isEmpty() ? null
                    : LoraBank.stack(model.base().manager(), model.config(), adapters)) {
                long[] rowSlots = batch.stream()
                        .mapToLong(r -> r.adapterId() == null ? 0 : slotOf.get(r.adapterId())).toArray();
                List<int[]> prompts = new ArrayList<>();
                batch.forEach(r -> prompts.add(r.promptTokens()));
                return generator.generate(prompts, batch.stream().map(GenerationRequest::sampling).toList(), bank,
                        rowSlots);
            }
        } finally {
            slots.release(pinned);
        }
    }

    @Override
    public void registerAdapter(String adapterId, Path peftDirectory) {
        if (LoraTrainer.isPolicyAdapter(adapterId)) {
            throw new EngineException("adapter ids starting with '" + LoraTrainer.ADAPTER_PREFIX
                    + "' name training policies; register '" + adapterId + "' under another id");
        }
        store.register(adapterId, peftDirectory);
    }

    @Override
    public void loadAdapter(String adapterId) {
        if (!slots.residentIds().contains(adapterId)) {
            // read and decode into the CPU tier first, outside the device tier's lock, so that running batches do
            // not wait for the files
            store.get(adapterId);
        }
        slots.load(adapterId);
    }

    @Override
    public void evictAdapter(String adapterId) {
        slots.evict(adapterId);
    }

    @Override
    public void replaceAdapter(String adapterId, Path peftDirectory) {
        // decode and budget-check before anything changes: a revision that cannot load leaves the old one serving
        slots.replace(adapterId, PeftAdapterIo.read(peftDirectory, model.config()), peftDirectory);
    }

    /**
     * Merges {@code revision} into this engine's resident base on its device ({@code W + scale * A B} as tensor ops);
     * the base itself is not changed. Write the result with {@link MergedWeights#write} and close it. This is the
     * merged-checkpoint handoff that MinT avoids, kept to measure it.
     */
    @Override
    public MergedWeights mergeAdapter(LoraWeights revision) {
        baseWeights.readLock().lock();
        try {
            return LoraMerger.merge(model.base(), revision);
        } finally {
            baseWeights.readLock().unlock();
        }
    }

    /**
     * Replaces the base weights of this open engine with those of the checkpoint in {@code checkpointDir} (same
     * architecture, e.g. a merged checkpoint of this base): the files are read and uploaded while generation goes
     * on, then every base array is overwritten in place on the device while generation waits. Resident adapters,
     * the tokenizer and the engine's settings stay. Needs device memory for a second copy of the base while it runs.
     * A checkpoint of another architecture is refused and the old weights keep serving.
     */
    @Override
    public void replaceBase(Path checkpointDir) {
        ModelConfig incoming = ModelConfig.read(checkpointDir.resolve("config.json"));
        try (BaseModel fresh = BaseModel.fromHost(incoming, CheckpointFiles.readAll(checkpointDir),
                model.base().device())) {
            baseWeights.writeLock().lock();
            try {
                model.base().overwriteWith(fresh);
            } finally {
                baseWeights.writeLock().unlock();
            }
        }
    }

    @Override
    public Set<String> residentAdapters() {
        return slots.residentIds();
    }

    @Override
    public long residentAdapterBytes() {
        return slots.residentBytes();
    }

    @Override
    public WorkingSet workingSet() {
        List<WorkingSet.Adapter> held = new ArrayList<>(slots.snapshot());
        Set<String> onDevice = new HashSet<>();
        held.forEach(a -> onDevice.add(a.adapterId()));
        store.snapshot().stream().filter(a -> !onDevice.contains(a.adapterId())).forEach(held::add);
        return new WorkingSet(held, slots.budgetBytes(), slots.usedBytes(), store.cpuBudgetBytes(), store.cpuBytes());
    }

    @Override
    public long adapterBudgetBytes() {
        return slots.budgetBytes();
    }

    @Override
    public long adapterLoads() {
        return slots.loads();
    }

    @Override
    public long adapterEvictions() {
        return slots.evictions();
    }

    @Override
    public long liveArrays() {
        return model.base().manager().getManagedArrays().size();
    }

    @Override
    public ModelConfig config() {
        return model.config();
    }

    @Override
    public int maxPositions() {
        return model.maxPositions();
    }

    @Override
    public TrainablePolicy createPolicy(String policyId, LoraWeights initial) {
        return trainer.createPolicy(policyId, initial);
    }

    @Override
    public List<PolicyStepResult> forwardBackward(List<PolicyBatch> work, MicroBatchBudget budget) {
        baseWeights.readLock().lock();
        try {
            return trainer.forwardBackward(work, budget);
        } finally {
            baseWeights.readLock().unlock();
        }
    }

    @Override
    public OptimStepStats optimStep(TrainablePolicy policy, AdamConfig params) {
        return trainer.optimStep(policy, params);
    }

    @Override
    public void discardGradients(TrainablePolicy policy) {
        trainer.discardGradients(policy);
    }

    @Override
    public Path saveTrainingState(TrainablePolicy policy, Path dir, Map<String, String> metadata) {
        return trainer.saveTrainingState(policy, dir, metadata);
    }

    @Override
    public TrainingCheckpoint readTrainingState(Path dir) {
        return trainer.readTrainingState(dir);
    }

    @Override
    public void restoreTrainingState(TrainablePolicy policy, TrainingCheckpoint checkpoint, boolean withOptimizer) {
        trainer.restoreTrainingState(policy, checkpoint, withOptimizer);
    }

    @Override
    public LoraWeights exportWeights(TrainablePolicy policy) {
        return trainer.exportWeights(policy);
    }

    @Override
    public int[] encode(String text) {
        requireTokenizer();
        long[] ids = tokenizer.encode(text, false, false).getIds();
        return java.util.Arrays.stream(ids).mapToInt(x -> (int) x).toArray();
    }

    @Override
    public String decode(int[] tokens) {
        requireTokenizer();
        return tokenizer.decode(java.util.Arrays.stream(tokens).asLongStream().toArray(), true);
    }

    private void requireTokenizer() {
        if (closed) {
            throw new IllegalStateException("the engine is closed; its tokenizer is released");
        }
        if (tokenizer == null) {
            throw new EngineException("the base model directory has no tokenizer.json");
        }
    }

    /** The model itself, for engine code and tests that need the functional forward. */
    public DecoderModel model() {
        return model;
    }

    public AdapterSlots slots() {
        return slots;
    }

    /** The training half, for engine code and tests. */
    public LoraTrainer trainer() {
        return trainer;
    }

    @Override
    public void close() {
        closed = true;
        trainer.close();
        slots.close();
        if (tokenizer != null) {
            tokenizer.close();
        }
        model.base().close();
    }
}
