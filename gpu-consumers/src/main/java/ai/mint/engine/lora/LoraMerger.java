package ai.mint.engine.lora;

import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The merged alternative to adapter handoff: materialises {@code W + scale * B A} for every adapted projection and
 * writes a full checkpoint. MinT avoids this; it exists to measure what adapter-only handoff saves.
 */
public final class LoraMerger {

    private LoraMerger() {
    }

    /** Base tensors (Hugging Face names, [out, in]) with the adapter folded in; untouched tensors are shared. */
    public static Map<String, HostTensor> merge(Map<String, HostTensor> base, ModelConfig c, LoraWeights w) {
        Map<String, HostTensor> merged = new LinkedHashMap<>(base);
        float scale = w.scale();
        int r = w.rank();
        for (LoraKey key : w.a().keySet()) {
            int in = key.inDim(c);
            int out = key.outDim(c);
            for (int e = 0; e < key.experts(c); e++) {
                String name = key.projection().modulePath(c, key.layer(), key.expert() ? e : -1) + ".weight";
                float[] wHf = base.get(name).floats().clone(); // [out, in]
                float[] a = w.a().get(key);                      // [(E,) in, r]
                float[] b = w.b().get(key);                      // [(E,) r, out]
                int aOff = e * in * r;
                int bOff = e * r * out;
                for (int i = 0; i < in; i++) {
                    for (int k = 0; k < r; k++) {
                        float aik = a[aOff + i * r + k] * scale;
                        if (aik == 0f) {
                            continue;
                        }
                        int bRow = bOff + k * out;
                        for (int o = 0; o < out; o++) {
                            wHf[o * in + i] += aik * b[bRow + o];
                        }
                    }
                }
                merged.put(name, HostTensor.ofFloats(name, base.get(name).shape(), wHf));
            }
        }
        return merged;
    }

    /** Reads the base checkpoint in {@code baseDir}, merges {@code w} and writes a full checkpoint to {@code outDir}. */
    public static void mergeToDirectory(Path baseDir, ModelConfig c, LoraWeights w, Path outDir) {
        Map<String, HostTensor> merged = merge(CheckpointFiles.readAll(baseDir), c, w);
        BaseModelInitializer.writeCheckpoint(outDir, c, merged, DType.F32);
    }
}
