package ai.mint.worker;

import ai.mint.engine.AdapterSource;
import ai.mint.engine.AdapterStatus;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TokenSink;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.WorkingSetStats;
import ai.mint.engine.model.ModelConfig;
import ai.mint.training.service.TrainingService;
import ai.mint.common.store.AdapterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The worker's resident base model, shared by all its roles: one engine and the {@link TrainingService} whose thread
 * runs all of its model work: serving and rollouts in one continuous batch, training steps between its iterations.
 * Adapters come only from the {@link AdapterStore}, verified before any load, loaded off the model thread, and known
 * to the engine as {@code POLICY@REVISION}, so a new revision never replaces an old one under a request that is
 * still running on it.
 */
public final class ModelRuntime implements AutoCloseable {

    private final TrainableEngine engine;
    private final TrainingService training;
    private final AdapterStore store;
    private final String baseModel;
    private volatile LongConsumer coldLoads = nanos -> { };
    private volatile RecentRevisions recent = new RecentRevisions(DEFAULT_REVISIONS_PER_POLICY);

    /** Revisions of one policy a worker keeps in its working set unless pinned or in use. */
    public static final int DEFAULT_REVISIONS_PER_POLICY = 4;

    private ModelRuntime(TrainableEngine engine, TrainingService training, AdapterStore store, String baseModel) {
        this.engine = engine;
        this.training = training;
        this.store = store;
        this.baseModel = baseModel;
    }

    /** Opens the engine of {@code config} and a training service over it. */
    public static ModelRuntime open(EngineConfig config, MicroBatchBudget microBatch, int maxGenerationRows,
                                    AdapterStore store, String baseModel) {
        return open(config, microBatch, maxGenerationRows, TrainingService.DEFAULT_INFERENCE_SLICE, store, baseModel);
    }

    /** As above, with the model thread's inference slice (how long inference may decode while training waits). */
    public static ModelRuntime open(EngineConfig config, MicroBatchBudget microBatch, int maxGenerationRows,
                                    java.time.Duration inferenceSlice, AdapterStore store, String baseModel) {
        TrainableEngine engine = TrainableEngine.open(config);
        try {
            return new ModelRuntime(engine, new TrainingService(engine, microBatch, maxGenerationRows,
                    inferenceSlice, true), store, baseModel);
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
     * The engine id of the revision's adapter ({@code POLICY@REVISION}), registered with the engine on first use: its
     * files are opened from the store and verified on a loader thread when something first wants them (the store
     * hashes each file identity once), never here. {@code uri} null means the store's own address for the revision.
     */
    public String adapterFor(String policyId, String revision, String uri, String expectedSha256) {
        if (isBaseRevision(revision)) {
            return null;
        }
        String id = policyId + "@" + revision;
        String address = uri != null ? uri : store.uriOf(policyId, "sampler", revision);
        engine.registerAdapter(id, new StoredAdapter(address, expectedSha256));
        RecentRevisions revisions = recent;
        for (String older : revisions.use(policyId, revision)) {
            if (engine.evictAdapterIfIdle(policyId + "@" + older)) {
                revisions.forget(policyId, older); // a pinned or busy one is tried again at the next new revision
            }
        }
        return id;
    }

    /**
     * How many revisions of one policy stay in the working set beside pinned and busy ones (the newest used); an
     * older one is evicted when a newer one is first used. Set before work starts.
     */
    public void keepRevisionsPerPolicy(int revisions) {
        this.recent = new RecentRevisions(revisions);
    }

    /** Tells {@code listener} how long each cold open from the store took (nanoseconds), replacing an earlier one. */
    public void onColdLoad(LongConsumer listener) {
        this.coldLoads = listener;
    }

    /** An adapter in the store: opened (and its checksum verified) on the engine's loader thread. */
    private final class StoredAdapter implements AdapterSource {
        private final String uri;
        private final String sha256;

        StoredAdapter(String uri, String sha256) {
            this.uri = uri;
            this.sha256 = sha256;
        }

        @Override
        public String identity() {
            return uri + "#" + sha256;
        }

        @Override
        public Path open() {
            long started = System.nanoTime();
            Path dir = store.open(uri, sha256);
            coldLoads.accept(System.nanoTime() - started);
            return dir;
        }
    }

    /**
     * Starts loading the revision's adapter onto the device on the engine's loader threads (a load the scheduler sent
     * ahead of its pack, or a warm-up); completes when it is there, or fails with why it could not be (null for the
     * base revision). A load whose {@code stillWanted} says no when it arrives (its pack was answered before it came)
     * is skipped, so that a late load does not evict adapters that are in use for packs already done.
     */
    public CompletableFuture<AdapterStatus> prefetch(String policyId, String revision, String uri, String sha256,
                                                     BooleanSupplier stillWanted) {
        if (!stillWanted.getAsBoolean()) {
            return CompletableFuture.completedFuture(null);
        }
        String id = adapterFor(policyId, revision, uri, sha256);
        return id == null ? CompletableFuture.completedFuture(null) : engine.prefetch(id);
    }

    /** {@link #prefetch(String, String, String, String, BooleanSupplier)} of a load that is always wanted. */
    public CompletableFuture<AdapterStatus> prefetch(String policyId, String revision, String uri, String sha256) {
        return prefetch(policyId, revision, uri, sha256, () -> true);
    }

    /**
     * Keeps the revision's adapter on the device until {@link #unpin}; fails, unpinned, if it cannot fit beside the
     * other pinned adapters.
     */
    public CompletableFuture<AdapterStatus> pin(String policyId, String revision, String uri, String sha256) {
        String id = adapterFor(policyId, revision, uri, sha256);
        if (id == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the base model alone is always "
                    + "resident; there is no adapter to pin for revision '" + revision + "'"));
        }
        return engine.pinAdapter(id);
    }

    /**
     * Drops the revision's adapter from every tier at once (a copy in use drains under its rows): the catalog retired
     * it, so it never serves again and would only hold budget until pressure pushed it out. Forgetting an adapter
     * this worker never loaded changes nothing.
     */
    public void forget(String policyId, String revision) {
        if (!isBaseRevision(revision)) {
            engine.evictAdapter(policyId + "@" + revision);
            recent.forget(policyId, revision);
        }
    }

    public void unpin(String policyId, String revision) {
        if (!isBaseRevision(revision)) {
            engine.unpinAdapter(policyId + "@" + revision);
        }
    }

    /** One batched generate call; rows may use different adapters. */
    public List<GenerationResult> generate(List<GenerationRequest> batch) {
        return join(training.generate(batch));
    }

    /**
     * Answers one inference row in the model thread's continuous batch (ahead of queued training work); its tokens
     * reach {@code sink} as they are sampled.
     */
    public CompletableFuture<GenerationResult> serve(GenerationRequest row, TokenSink sink) {
        return training.serve(row, sink);
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

    /**
     * Every adapter the engine holds in a tier, is loading, has pinned or has seen fail: id, state, tier, bytes,
     * rank, pin, rows using it, last use, failure (what heartbeats report).
     */
    public List<AdapterStatus> workingSet() {
        return engine.workingSet();
    }

    /** Bytes per tier (and both budgets), peak device bytes and load counters of the working set. */
    public WorkingSetStats workingSetStats() {
        return engine.workingSetStats();
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

    public long cpuAdapterBytes() {
        return engine.cpuAdapterBytes();
    }

    public long cpuBudgetBytes() {
        return engine.cpuBudgetBytes();
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
        training.close();
        engine.close();
    }
}
