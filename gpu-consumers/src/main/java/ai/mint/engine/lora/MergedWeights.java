package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.mint.engine.MergedCheckpoint;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A base with one adapter merged in, on the device ({@link LoraMerger#merge}): the merged projections in arrays of
 * its own, every other tensor shared with the resident base. Write it as a Hugging Face checkpoint, then close it to
 * free the merged arrays; the base stays as it was.
 */
public final class MergedWeights implements MergedCheckpoint {

    private final BaseModel base;
    private final NDManager manager;
    private final Map<NDArray, NDArray> replaced; // resident base array -> its merged counterpart (identity keys)

    MergedWeights(BaseModel base, NDManager manager, Map<NDArray, NDArray> replaced) {
        this.base = base;
        this.manager = manager;
        this.replaced = replaced;
    }

    /**
     * Every checkpoint tensor, merged where the adapter applies, in Hugging Face names and [out, in] layout, copied to
     * host memory (the transposes back from compute layout run on the device).
     */
    public Map<String, HostTensor> toHost() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (BaseModel.CheckpointTensor t : base.checkpointTensors().values()) {
            NDArray source = replaced.getOrDefault(t.array(), t.array());
            try (NDManager scratch = manager.newSubManager()) {
                NDArray hf = switch (t.layout()) {
                    case AS_STORED -> source;
                    case TRANSPOSED -> scratch(source.transpose(), scratch);                 // [in, out] -> [out, in]
                    case EXPERT_SLICE -> scratch(scratch(source.get(t.expert()), scratch).transpose(), scratch);
                };
                out.put(t.name(), HostTensor.ofFloats(t.name(), t.shape(), hf.toFloatArray()));
            }
        }
        return out;
    }

    /**
     * Writes the merged checkpoint ({@code config.json}, float32 {@code model.safetensors}, {@code tokenizer.json})
     * into {@code dir} with the writer every checkpoint uses; returns the weights file's size in bytes.
     */
    @Override
    public long write(Path dir) {
        BaseModelInitializer.writeCheckpoint(dir, base.config(), toHost(), DType.F32);
        return dir.resolve(CheckpointFiles.SINGLE).toFile().length();
    }

    /** Results of an op land in the first operand's manager (here the long-lived base's): move them to scratch. */
    private static NDArray scratch(NDArray array, NDManager scratch) {
        array.attach(scratch);
        return array;
    }

    @Override
    public void close() {
        manager.close();
    }
}
