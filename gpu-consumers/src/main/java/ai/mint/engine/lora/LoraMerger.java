package ai.mint.engine.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.model.ModelConfig;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The merged alternative to adapter handoff: {@code W + scale * A B} for every adapted projection, computed as tensor
 * ops on the device of a resident base (no Java loops, no second read of the base), then written as a full
 * checkpoint ({@link MergedWeights#write}). MinT avoids this; it exists to measure what adapter-only handoff saves.
 */
public final class LoraMerger {

    private LoraMerger() {
    }

    /**
     * Merges {@code w} into {@code base} on its device. The base is not changed: the merged projections are new
     * arrays (one per adapted projection, all experts of a layer in one [E, in, out] stack) that the returned
     * {@link MergedWeights} holds until it is closed; every other tensor is shared with the base. Returns once the
     * device has finished the work, so that timing it is honest on an asynchronous device.
     */
    public static MergedWeights merge(BaseModel base, LoraWeights w) {
        ModelConfig c = base.config();
        if (c.isDeepseek()) {
            throw new ai.mint.engine.EngineException("merging an adapter into a " + c.modelType() + " base is not"
                    + " implemented: its latent attention holds q_b/kv_a rows reordered and kv_b_proj absorbed per head,"
                    + " which a merge would have to rebuild (adapter-only handoff needs none of it)");
        }
        NDManager merged = base.manager().newSubManager();
        Map<NDArray, NDArray> replaced = new IdentityHashMap<>();
        NDArray last = null;
        try (DeviceAdapter factors = DeviceAdapter.upload("merge", w, c, merged)) {
            NDArray scale = merged.create(w.scale());
            for (LoraKey key : factors.a().keySet()) {
                String name = key.modulePath(c, 0) + ".weight";
                NDArray resident = base.checkpointTensor(name).array();               // [(E,) in, out]
                NDArray sum = factors.a().get(key).matMul(factors.b().get(key));      // [(E,) in, r] @ [(E,) r, out]
                sum.muli(scale).addi(resident);                                       // in place: no temporaries
                sum.attach(merged); // it was created in the factors' manager, closed below
                replaced.put(resident, sum);
                last = sum;
            }
        } catch (RuntimeException e) {
            merged.close();
            throw e;
        }
        if (last != null && !Device.cpu().equals(base.device())) {
            NDArray probe = last.sum(); // ops on one device run in order: reading the last result waits for all
            probe.getFloat();
            probe.close();
        }
        return new MergedWeights(base, merged, replaced);
    }

    /**
     * Reads the base checkpoint in {@code baseDir} onto the CPU, merges {@code w} and writes a full checkpoint to
     * {@code outDir}: for callers that have no resident base. With one, use {@link #merge} (no second read).
     */
    public static void mergeToDirectory(Path baseDir, ModelConfig c, LoraWeights w, Path outDir) {
        try (BaseModel base = BaseModel.fromHost(c, CheckpointFiles.readAll(baseDir), Device.cpu());
             MergedWeights merged = merge(base, w)) {
            merged.write(outDir);
        }
    }
}
