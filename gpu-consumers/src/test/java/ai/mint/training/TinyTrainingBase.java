package ai.mint.training;

import ai.mint.engine.EngineConfig;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * The engine's micro dense base (2 layers, hidden 32, byte-level vocabulary), or another micro base, with a sharper
 * output head. With every
 * weight at std 0.02 the final RMS norm caps logits near +-0.6, so no adapter could make any token likely and no
 * reward could be learned; an lm_head at std 0.2 gives an adapter room to move the distribution while the initial
 * one stays broad (logit std about 1).
 */
public final class TinyTrainingBase {

    private TinyTrainingBase() {
    }

    /** Writes the base into {@code dir} and opens an engine on it. */
    public static TrainableEngine open(Path dir, long seed) {
        return open(dir, seed, TestModels.microDense());
    }

    /** The same sharpening of the head on a base of {@code config} (e.g. {@link TestModels#microDeepseek()}). */
    public static TrainableEngine open(Path dir, long seed, ModelConfig config) {
        Map<String, HostTensor> tensors = BaseModelInitializer.tensors(config, seed);
        HostTensor head = tensors.get("lm_head.weight");
        float[] sharper = head.floats().clone();
        for (int i = 0; i < sharper.length; i++) {
            sharper[i] *= 10f;
        }
        tensors.put("lm_head.weight", HostTensor.ofFloats("lm_head.weight", head.shape(), sharper));
        BaseModelInitializer.writeCheckpoint(dir, config, tensors, DType.F32);
        return TrainableEngine.open(EngineConfig.of(dir));
    }
}
