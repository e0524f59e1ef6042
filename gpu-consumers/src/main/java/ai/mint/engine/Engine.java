package ai.mint.engine;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A resident base model serving many LoRA adapters at once; what the rest of the project uses (no DJL types).
 * Requests run in a {@link ContinuousBatch}, each row with its own adapter. Adapters are registered by id (where their
 * PEFT files come from) and move between storage, a CPU tier and the device in the engine's working set, each in an
 * explicit {@link AdapterState}; loads run on loader threads, never on the caller's or the model's thread.
 */
public interface Engine extends AutoCloseable {

    /** Generates {@code batch} to the end, on the calling thread; throws the first row's failure, if any. */
    List<GenerationResult> generate(List<GenerationRequest> batch);

    /**
     * A continuous batch on this engine, for one model thread to drive. {@code wake} is called (from any thread)
     * when the batch may have become runnable: a request arrived, an adapter finished loading or failed.
     *
     * @param maxRows most rows running at once
     */
    ContinuousBatch openBatch(int maxRows, Runnable wake);

    /** Makes an adapter known by id; its files are read when something first wants it (see {@link AdapterSource}). */
    void registerAdapter(String adapterId, AdapterSource source);

    /** {@link #registerAdapter(String, AdapterSource)} for a directory used as it is. */
    default void registerAdapter(String adapterId, Path peftDirectory) {
        registerAdapter(adapterId, AdapterSource.of(peftDirectory));
    }

    /**
     * Starts loading a registered adapter onto the device, off the caller's thread; completes once it is there, or
     * fails with the reason (it cannot be read or decoded, or it is larger than the device budget allows).
     */
    CompletableFuture<AdapterStatus> prefetch(String adapterId);

    /**
     * Keeps a registered adapter on the device until {@link #unpinAdapter}: it counts against the device budget and
     * is never evicted. Completes once it is resident; fails, unpinned, with the reason if it cannot fit beside the
     * other pinned adapters.
     */
    CompletableFuture<AdapterStatus> pinAdapter(String adapterId);

    void unpinAdapter(String adapterId);

    /** Drops an adapter from the device (once the rows using it finish) and from the CPU tier. */
    void evictAdapter(String adapterId);

    /** {@link #evictAdapter} unless it is pinned or wanted now; says whether it was evicted. */
    boolean evictAdapterIfIdle(String adapterId);

    /** Swaps in a new revision under the same id from a PEFT directory; rows running on the old one finish on it. */
    void replaceAdapter(String adapterId, Path peftDirectory);

    /** The adapter's state, tier, size, rank, pin, use and failure; null if it is not known. */
    AdapterStatus adapterStatus(String adapterId);

    /** Every adapter that holds memory, is loading, is pinned or has failed (what a heartbeat reports). */
    List<AdapterStatus> workingSet();

    /** Bytes per tier, peak device bytes and load counters of the working set. */
    WorkingSetStats workingSetStats();

    /** Ids of the adapters on the device. */
    Set<String> residentAdapters();

    /** Device bytes of the adapters on the device. */
    long residentAdapterBytes();

    /** Device bytes the working set may give to serving adapters. */
    long adapterBudgetBytes();

    /** Bytes of decoded adapters the CPU tier may hold. */
    long cpuBudgetBytes();

    /** Bytes of decoded adapters in the CPU tier now. */
    long cpuAdapterBytes();

    /** Adapters uploaded onto the device since start (a counter). */
    default long adapterLoads() {
        return workingSetStats().loads();
    }

    /** Adapters evicted from the device since start (a counter). */
    default long adapterEvictions() {
        return workingSetStats().evictions();
    }

    /**
     * Native arrays alive under the engine's resident manager and its sub-managers (base, adapters, open batches):
     * flat over a long run when nothing leaks; -1 where an engine cannot tell.
     */
    default long liveArrays() {
        return -1;
    }

    /** The resident base's architecture (vocabulary, layers, end-of-sequence ids). */
    ModelConfig config();

    /** The most positions (prompt plus completion, or a training row) this model encodes. */
    int maxPositions();

    /** Tokenizes with the base model's tokenizer.json. */
    int[] encode(String text);

    String decode(int[] tokens);

    /**
     * Folds {@code revision} into a copy of this engine's resident base on its device ({@code W + scale * A B} as
     * tensor ops, the base itself unchanged): the merged-checkpoint handoff, for measuring against adapter handoff.
     */
    MergedCheckpoint mergeAdapter(LoraWeights revision);

    /**
     * Replaces this open engine's base weights in place with the checkpoint in {@code checkpointDir} (same
     * architecture, e.g. a merged checkpoint); work running meanwhile waits for the swap. Another architecture is
     * refused and the old weights keep serving.
     */
    void replaceBase(Path checkpointDir);

    @Override
    void close();
}
