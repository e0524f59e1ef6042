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

    /** microMoe's config as Mixtral: num_local_experts, no shared expert, top-k always renormalised. */
    public static ModelConfig mixtral() {
        return config(true, j -> {
            j.put("model_type", "mixtral");
            j.put("num_local_experts", j.remove("num_experts").asInt());
            j.remove("moe_intermediate_size");
            j.remove("shared_expert_intermediate_size");
            j.remove("norm_topk_prob");
            j.remove("decoder_sparse_step");
        });
    }

    /** TestModels.microDeepseek (or its V3.2 twin with {@code sparse}) edited by {@code edit}, parsed back. */
    public static ModelConfig deepseek(boolean sparse, Consumer<ObjectNode> edit) {
        ObjectNode json = (sparse ? TestModels.microDeepseekSparse() : TestModels.microDeepseek()).toJson();
        edit.accept(json);
        return ModelConfig.fromJson(json);
    }

    /**
     * Writes {@code c} with sharpened weights into {@code dir} (F32); {@code extra} adds or replaces tensors. Biases
     * that initialise to zero (DeepSeek's e_score_correction_bias, the indexer's LayerNorm bias) get values in
     * +-0.5, so that they matter too.
     */
    public static Path write(Path dir, ModelConfig c, long seed, Map<String, HostTensor> extra) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EED);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (HostTensor t : BaseModelInitializer.tensors(c, seed).values()) {
            float[] f = t.floats().clone();
            boolean norm = t.name().endsWith("norm.weight");
            boolean zeroBias = t.name().endsWith("e_score_correction_bias") || t.name().endsWith("norm.bias");
            for (int i = 0; i < f.length; i++) {
                f[i] = norm ? 1f + (float) (rnd.nextDouble() - 0.5) * 0.4f
                        : zeroBias ? (float) (rnd.nextDouble() - 0.5) : f[i] * 15f;
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
