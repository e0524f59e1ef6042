package ai.mint.engine;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A resident base model serving many LoRA adapters at once; what the rest of the project uses (no DJL types).
 * One {@link #generate} call runs its requests as one batch, each row with its own adapter. Adapters are registered
 * by id (a PEFT directory) and moved between storage, a CPU tier and the device by the engine's working set.
 */
public interface Engine extends AutoCloseable {

    List<GenerationResult> generate(List<GenerationRequest> batch);

    /** Makes an adapter known by id; a later {@link #loadAdapter} or request reads it. */
    void registerAdapter(String adapterId, Path peftDirectory);

    /** Loads an adapter onto the device now (prefetch); evicts others if the byte budget requires. */
    void loadAdapter(String adapterId);

    void evictAdapter(String adapterId);

    /** Swaps in a new revision of a resident adapter from a PEFT directory without stopping running batches. */
    void replaceAdapter(String adapterId, Path peftDirectory);

    Set<String> residentAdapters();

    long residentAdapterBytes();

    /** Every adapter held on the device or in the CPU tier, with its size, rank and last use, and both budgets. */
    WorkingSet workingSet();

    /** Device bytes the working set may give to serving adapters. */
    long adapterBudgetBytes();

    /** Adapters loaded onto the device since start (a counter). */
    long adapterLoads();

    /** Adapters evicted from the device since start (a counter). */
    long adapterEvictions();

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
