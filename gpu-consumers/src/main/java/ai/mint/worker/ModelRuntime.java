package ai.mint.worker;

import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.model.DecoderModel;
import ai.mint.worker.store.AdapterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The worker's resident base model and engine, shared by all its roles. Model compute (generation, training steps)
 * runs one call at a time under one lock: PyTorch allows one gradient collector per process, and on this hardware
 * two batches at once only compete for the same cores. Adapters come only from the {@link AdapterStore}, verified on
 * every load, and are known to the engine as {@code POLICY@REVISION}, so a new revision never replaces an old one
 * under a request that is still running on it.
 */
public final class ModelRuntime implements AutoCloseable {

    private final LoraEngine engine;
    private final AdapterStore store;
    private final String baseModel;
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile java.util.function.LongConsumer coldLoads = nanos -> { };

    public ModelRuntime(LoraEngine engine, AdapterStore store, String baseModel) {
        this.engine = engine;
        this.store = store;
        this.baseModel = baseModel;
    }

    public static ModelRuntime open(Path baseDir, String device, AdapterStore store, String baseModel) {
        return new ModelRuntime(LoraEngine.open(EngineConfig.of(baseDir).withDevice(device)), store, baseModel);
    }

    public String baseModel() {
        return baseModel;
    }

    public AdapterStore store() {
        return store;
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
        lock.lock();
        try {
            if (!engine.residentAdapters().contains(id)) {
                long started = System.nanoTime();
                Path dir = store.open(uri != null ? uri : store.uriOf(policyId, "sampler", revision), expectedSha256);
                engine.registerAdapter(id, dir);
                coldLoads.accept(System.nanoTime() - started);
            }
        } finally {
            lock.unlock();
        }
        return id;
    }

    /** Tells {@code listener} how long each cold load took (nanoseconds), replacing an earlier listener. */
    public void onColdLoad(java.util.function.LongConsumer listener) {
        this.coldLoads = listener;
    }

    /** One batched generate call; rows may use different adapters. */
    public List<GenerationResult> generate(List<GenerationRequest> batch) {
        lock.lock();
        try {
            return engine.generate(batch);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} on the model with nothing else computing (training steps). */
    public <T> T withModel(Function<DecoderModel, T> work) {
        lock.lock();
        try {
            return work.apply(engine.model());
        } finally {
            lock.unlock();
        }
    }

    public int[] encode(String text) {
        return engine.encode(text);
    }

    public String decode(int[] tokens) {
        return engine.decode(tokens);
    }

    public int eosToken() {
        return engine.model().config().eosTokenId();
    }

    public java.util.Set<String> residentAdapters() {
        return engine.residentAdapters();
    }

    public long residentAdapterBytes() {
        return engine.residentAdapterBytes();
    }

    public LoraEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            engine.close();
        } finally {
            lock.unlock();
        }
    }
}
