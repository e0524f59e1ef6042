package ai.mint.engine;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.api.AdamConfig;
import ai.mint.engine.generate.ContinuousGenerator;
import ai.mint.engine.lora.AdapterLeases;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraMerger;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.MergedWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.lora.WorkingSet;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The DJL implementation of {@link TrainableEngine}: loads the base once, keeps serving adapters in a
 * {@link WorkingSet} (device and CPU tiers, loader threads) and training policies in a {@link LoraTrainer}, and runs
 * generation as {@link ContinuousGenerator}s whose rows each use an adapter of either kind. Its base weights can be
 * replaced while it stays open ({@link #replaceBase}): generation steps and training steps wait for the swap.
 */
public final class LoraEngine implements TrainableEngine {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoraEngine.class);

    private final DecoderModel model;
    private final WorkingSet workingSet;
    private final LoraTrainer trainer;
    private final HuggingFaceTokenizer tokenizer;
    private final ContinuousGenerator.Settings generation;
    private final AdapterLeases leases;
    private volatile boolean closed;
    // generation steps and training read the base weights (read lock); replaceBase overwrites them in place (write)
    private final ReadWriteLock baseWeights = new ReentrantReadWriteLock();

    private LoraEngine(DecoderModel model, WorkingSet workingSet, HuggingFaceTokenizer tokenizer,
                       ContinuousGenerator.Settings generation) {
        this.model = model;
        this.workingSet = workingSet;
        this.trainer = new LoraTrainer(model);
        this.tokenizer = tokenizer;
        this.generation = generation;
        this.leases = new Leases();
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
        WorkingSet workingSet = new WorkingSet(model.config(), model.base().manager(), new WorkingSet.Settings(
                config.adapterBudgetBytes(), heapBoundedCpuBudget(config.cpuCacheBytes(),
                        Runtime.getRuntime().maxMemory()), config.loaderThreads(),
                config.failureBackoffMs(), config.maxKnownAdapters()));
        return new LoraEngine(model, workingSet, tokenizer, new ContinuousGenerator.Settings(config.prefillRows(),
                config.prefillChunkTokens(), ContinuousGenerator.Settings.DEFAULT.maxRows()));
    }

    /**
     * The CPU tier's budget as this JVM can hold it: decoded adapters live on the Java heap, so a budget past half the
     * heap (2 GiB by default against, say, a 512 MiB worker) would end in an OutOfMemoryError before least-recently-used
     * eviction ever started. Capped at half the maximum heap, with a warning naming both figures.
     */
    static long heapBoundedCpuBudget(long configured, long maxHeapBytes) {
        long bound = maxHeapBytes / 2;
        if (configured <= bound) {
            return configured;
        }
        LOG.warn("adapter CPU cache of {} MiB does not fit this JVM's heap of {} MiB: using {} MiB (half the heap); "
                + "raise -Xmx or lower adapter.cpu.cache.bytes", configured >> 20, maxHeapBytes >> 20, bound >> 20);
        return bound;
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
        Object signal = new Object();
        Runnable wake = () -> {
            synchronized (signal) {
                signal.notifyAll();
            }
        };
        List<CompletableFuture<GenerationResult>> results = new ArrayList<>(batch.size());
        try (ContinuousGenerator g = batch(generation.maxRows(), wake)) {
            batch.forEach(r -> g.check(r)); // a bad row refuses the call before any work, as one batch would
            batch.forEach(r -> results.add(g.submit(r, TokenSink.NONE)));
            while (g.pending() > 0) {
                if (!g.step()) {
                    synchronized (signal) {
                        if (!g.runnable()) {
                            signal.wait(50); // an adapter is loading on a loader thread
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while generating", e);
        }
        List<GenerationResult> out = new ArrayList<>(batch.size());
        for (CompletableFuture<GenerationResult> f : results) {
            try {
                out.add(f.join());
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return out;
    }

    @Override
    public ContinuousBatch openBatch(int maxRows, Runnable wake) {
        return batch(maxRows, wake);
    }

    private ContinuousGenerator batch(int maxRows, Runnable wake) {
        workingSet.addListener(wake);
        ContinuousGenerator.Settings s = new ContinuousGenerator.Settings(generation.prefillRows(),
                generation.prefillChunkTokens(), maxRows);
        return new ContinuousGenerator(model, padToken(model), s, leases, wake, () -> workingSet.removeListener(wake),
                baseWeights.readLock());
    }

    /** Serving adapters come from the working set; training policies' factors are always on the device. */
    private final class Leases implements AdapterLeases {
        @Override
        public void demand(String id) {
            if (LoraTrainer.isPolicyAdapter(id)) {
                trainer.adapter(id); // throws if the policy is closed
            } else {
                workingSet.demand(id);
            }
        }

        @Override
        public void undemand(String id) {
            if (!LoraTrainer.isPolicyAdapter(id)) {
                workingSet.undemand(id);
            }
        }

        @Override
        public boolean settled(String id) {
            return LoraTrainer.isPolicyAdapter(id) || workingSet.settled(id);
        }

        @Override
        public DeviceAdapter acquire(String id) {
            return LoraTrainer.isPolicyAdapter(id) ? trainer.adapter(id) : workingSet.acquire(id);
        }

        @Override
        public String failure(String id) {
            if (LoraTrainer.isPolicyAdapter(id)) {
                try {
                    trainer.adapter(id);
                    return null;
                } catch (EngineException e) {
                    return e.getMessage();
                }
            }
            return workingSet.failure(id);
        }

        @Override
        public void release(DeviceAdapter adapter) {
            if (!LoraTrainer.isPolicyAdapter(adapter.id())) {
                workingSet.release(adapter);
            }
        }
    }

    @Override
    public void registerAdapter(String adapterId, AdapterSource source) {
        if (LoraTrainer.isPolicyAdapter(adapterId)) {
            throw new EngineException("adapter ids starting with '" + LoraTrainer.ADAPTER_PREFIX
                    + "' name training policies; register '" + adapterId + "' under another id");
        }
        workingSet.register(adapterId, source);
    }

    @Override
    public CompletableFuture<AdapterStatus> prefetch(String adapterId) {
        return workingSet.prefetch(adapterId);
    }

    @Override
    public CompletableFuture<AdapterStatus> pinAdapter(String adapterId) {
        return workingSet.pin(adapterId);
    }

    @Override
    public void unpinAdapter(String adapterId) {
        workingSet.unpin(adapterId);
    }

    @Override
    public void evictAdapter(String adapterId) {
        workingSet.evict(adapterId);
    }

    @Override
    public boolean evictAdapterIfIdle(String adapterId) {
        return workingSet.evictIfIdle(adapterId);
    }

    @Override
    public void replaceAdapter(String adapterId, Path peftDirectory) {
        // decoded and budget-checked before anything changes: a revision that cannot fit leaves the old one serving
        boolean wasResident = workingSet.residentIds().contains(adapterId);
        workingSet.replace(adapterId, PeftAdapterIo.read(peftDirectory, model.config()),
                AdapterSource.of(peftDirectory));
        if (wasResident) {
            workingSet.prefetch(adapterId); // it served before: bring the new revision up without waiting for a row
        }
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
     * on, then every base array is overwritten in place on the device while generation waits (between its steps).
     * Resident adapters, the tokenizer and the engine's settings stay. Needs device memory for a second copy of the
     * base while it runs. A checkpoint of another architecture is refused and the old weights keep serving.
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
    public AdapterStatus adapterStatus(String adapterId) {
        return workingSet.status(adapterId);
    }

    @Override
    public List<AdapterStatus> workingSet() {
        return workingSet.snapshot();
    }

    @Override
    public WorkingSetStats workingSetStats() {
        return workingSet.stats();
    }

    @Override
    public Set<String> residentAdapters() {
        return workingSet.residentIds();
    }

    @Override
    public long residentAdapterBytes() {
        return workingSet.residentBytes();
    }

    @Override
    public long adapterBudgetBytes() {
        return workingSet.deviceBudgetBytes();
    }

    @Override
    public long cpuBudgetBytes() {
        return workingSet.cpuBudgetBytes();
    }

    @Override
    public long cpuAdapterBytes() {
        return workingSet.cpuBytesUsed();
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
    public List<PolicyStepResult> forwardBackward(List<PolicyBatch> work, MicroBatchBudget budget,
                                                  Runnable betweenPasses) {
        baseWeights.readLock().lock();
        try {
            return trainer.forwardBackward(work, budget, betweenPasses);
        } finally {
            baseWeights.readLock().unlock();
        }
    }

    @Override
    public List<PolicyStepResult> forward(List<PolicyBatch> work, MicroBatchBudget budget) {
        baseWeights.readLock().lock();
        try {
            return trainer.forward(work, budget);
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

    /** The working set, for engine code and tests. */
    public WorkingSet workingSetInternals() {
        return workingSet;
    }

    /** The training half, for engine code and tests. */
    public LoraTrainer trainer() {
        return trainer;
    }

    @Override
    public void close() {
        closed = true;
        trainer.close();
        workingSet.close();
        if (tokenizer != null) {
            tokenizer.close();
        }
        model.base().close();
    }
}
