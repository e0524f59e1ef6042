package ai.mint.engine.reference;

import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Checkpoints for comparing the engine with {@link NaiveHfDecoder}. The initializer's std-0.02 weights leave
 * attention and routing almost uniform, so a RoPE or GQA slip would move logits by less than any useful tolerance;
 * here every matrix is scaled to std ~0.5 and norm weights are jittered, so each part visibly shapes the logits.
 */
public final class ReferenceCheckpoints {

    private ReferenceCheckpoints() {
    }

    /** microDense/microMoe's config.json edited by {@code edit}, parsed back through the engine's own reader. */
    public static ModelConfig config(boolean moe, Consumer<ObjectNode> edit) {
        ObjectNode json = (moe ? TestModels.microMoe() : TestModels.microDense()).toJson();
        edit.accept(json);
        return ModelConfig.fromJson(json);
    }

    /** Writes {@code c} with sharpened weights into {@code dir} (F32); {@code extra} adds or replaces tensors. */
    public static Path write(Path dir, ModelConfig c, long seed, Map<String, HostTensor> extra) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EED);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (HostTensor t : BaseModelInitializer.tensors(c, seed).values()) {
            float[] f = t.floats().clone();
            boolean norm = t.name().endsWith("norm.weight");
            for (int i = 0; i < f.length; i++) {
                f[i] = norm ? 1f + (float) (rnd.nextDouble() - 0.5) * 0.4f : f[i] * 15f;
            }
            tensors.put(t.name(), HostTensor.ofFloats(t.name(), t.shape(), f));
        }
        tensors.putAll(extra);
        BaseModelInitializer.writeCheckpoint(dir, c, tensors, DType.F32);
        return dir;
    }

    public static Path write(Path dir, ModelConfig c, long seed) {
        return write(dir, c, seed, Map.of());
    }
}
