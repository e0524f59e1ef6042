package ai.mint.worker;

import ai.mint.engine.EngineConfig;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.WorkingSet;
import ai.mint.engine.model.ModelConfig;
import ai.mint.training.service.TrainingService;
import ai.mint.worker.store.AdapterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The worker's resident base model, shared by all its roles: one engine and the {@link TrainingService} whose thread
 * runs all of its model work (serving, rollouts, training steps) one batch at a time. Adapters come only from the
 * {@link AdapterStore}, verified on every load, and are known to the engine as {@code POLICY@REVISION}, so a new
 * revision never replaces an old one under a request that is still running on it.
 */
public final class ModelRuntime implements AutoCloseable {

    private final TrainableEngine engine;
    private final TrainingService training;
    private final AdapterStore store;
    private final String baseModel;
    private volatile LongConsumer coldLoads = nanos -> { };
    /** Loads scheduled ahead of their packs run here, one at a time, never on the model thread. */
    private final ExecutorService prefetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mint-adapter-prefetch");
        t.setDaemon(true);
        return t;
    });
    private final Object[] adapterLocks = new Object[64];

    private ModelRuntime(TrainableEngine engine, TrainingService training, AdapterStore store, String baseModel) {
        this.engine = engine;
        this.training = training;
        this.store = store;
        this.baseModel = baseModel;
        Arrays.setAll(adapterLocks, i -> new Object());
    }

    /** Opens the engine of {@code config} and a training service over it. */
    public static ModelRuntime open(EngineConfig config, MicroBatchBudget microBatch, int maxGenerationRows,
                                    AdapterStore store, String baseModel) {
        TrainableEngine engine = TrainableEngine.open(config);
        try {
            return new ModelRuntime(engine, new TrainingService(engine, microBatch, maxGenerationRows), store,
                    baseModel);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** The engine with default budgets on {@code device} (tests and tools). */
    public static ModelRuntime open(Path baseDir, String device, AdapterStore store, String baseModel) {
        return open(EngineConfig.of(baseDir).withDevice(device), MicroBatchBudget.DEFAULT,
                TrainingService.DEFAULT_MAX_GENERATION_ROWS, store, baseModel);
    }

    public String baseModel() {
        return baseModel;
    }

    public AdapterStore store() {
        return store;
    }

    /** The one training path: policy state, K-policy steps, merged generation. */
    public TrainingService training() {
        return training;
    }

    /** Whether {@code revision} means the base model alone (a policy's first rollout has no adapter yet). */
    public boolean isBaseRevision(String revision) {
        return revision == null || revision.isBlank() || revision.equals(baseModel);
    }

    /**
     * The engine id of the revision's adapter, loading it from the store (and verifying its checksum) unless it is
     * resident. {@code uri} null means the store's own address for the revision.
     */
    public String adapterFor(String policyId, String revision, String uri, String expectedSha256) {
        if (isBaseRevision(revision)) {
            return null;
        }
        String id = policyId + "@" + revision;
        // one registration per id at a time: a prefetch and a request for the same adapter must not both open it
        synchronized (adapterLocks[Math.floorMod(id.hashCode(), adapterLocks.length)]) {
            if (!engine.residentAdapters().contains(id)) {
                long started = System.nanoTime();
                Path dir = store.open(uri != null ? uri : store.uriOf(policyId, "sampler", revision), expectedSha256);
                engine.registerAdapter(id, dir);
                coldLoads.accept(System.nanoTime() - started);
            }
        }
        return id;
    }

    /** Tells {@code listener} how long each cold load took (nanoseconds), replacing an earlier listener. */
    public void onColdLoad(LongConsumer listener) {
        this.coldLoads = listener;
    }

    /**
     * Loads the revision's adapter onto the device off the model thread (a load the scheduler sent ahead of its
     * pack), verifying it like {@link #adapterFor}; completes when it is resident, or with why it could not be. Loads
     * run one at a time; one whose {@code stillWanted} says no by the time it starts (its pack was answered while it
     * waited) is skipped, so that a loader that falls behind does not evict adapters for packs already done.
     */
    public CompletableFuture<Void> prefetch(String policyId, String revision, String uri, String expectedSha256,
                                            BooleanSupplier stillWanted) {
        return CompletableFuture.runAsync(() -> {
            if (!stillWanted.getAsBoolean()) {
                return;
            }
            String id = adapterFor(policyId, revision, uri, expectedSha256);
            if (id != null) {
                engine.loadAdapter(id);
            }
        }, prefetcher);
    }

    /** The engine's working set: every adapter held on the device or in the CPU tier, and both budgets. */
    public WorkingSet workingSet() {
        return engine.workingSet();
    }

    /** One batched generate call; rows may use different adapters. */
    public List<GenerationResult> generate(List<GenerationRequest> batch) {
        return join(training.generate(batch));
    }

    /**
     * Several generate calls queued together, so that they run as one generation batch (as far as the service's row
     * limit allows); each call fails or succeeds on its own.
     */
    public List<CompletableFuture<List<GenerationResult>>> generateAll(List<List<GenerationRequest>> calls) {
        return training.sampleAll(calls.stream().map(rows -> new TrainingService.SampleRequest(null, rows)).toList())
                .stream().map(f -> f.thenApply(TrainingService.Sampled::results)).toList();
    }

    public int[] encode(String text) {
        return engine.encode(text);
    }

    public String decode(int[] tokens) {
        return engine.decode(tokens);
    }

    public ModelConfig config() {
        return engine.config();
    }

    public int eosToken() {
        return engine.config().eosTokenId();
    }

    public Set<String> residentAdapters() {
        return engine.residentAdapters();
    }

    public long residentAdapterBytes() {
        return engine.residentAdapterBytes();
    }

    public long adapterBudgetBytes() {
        return engine.adapterBudgetBytes();
    }

    public long adapterLoads() {
        return engine.adapterLoads();
    }

    public long adapterEvictions() {
        return engine.adapterEvictions();
    }

    /** Native arrays alive in the engine (see {@link ai.mint.engine.Engine#liveArrays()}). */
    public long liveArrays() {
        return engine.liveArrays();
    }

    /** Throws a clear error when {@code promptLength + maxNewTokens} positions would not fit the model. */
    public void checkFits(int promptLength, int maxNewTokens) {
        long needed = (long) promptLength + maxNewTokens;
        if (needed > engine.maxPositions()) {
            throw new EngineException("prompt of " + promptLength + " tokens plus max_tokens " + maxNewTokens
                    + " needs " + needed + " positions but this model encodes at most " + engine.maxPositions());
        }
    }

    /** The value of a future, or the exception it failed with (unwrapped). */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Stops the training service after its queued work, then releases the model. */
    @Override
    public void close() {
        prefetcher.shutdownNow();
        training.close();
        engine.close();
    }
}
