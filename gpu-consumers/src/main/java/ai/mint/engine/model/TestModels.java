package ai.mint.engine.model;

import ai.djl.Device;
import ai.mint.engine.safetensors.DType;

import java.nio.file.Path;

/**
 * Very small base models for tests in any module (kept in main so that training and worker tests can use them): a
 * few tens of thousands of parameters, Qwen2 or Qwen2-MoE layout, written to a directory and loaded like any other.
 */
public final class TestModels {

    private TestModels() {
    }

    /** 2 layers, hidden 32, 4 query / 2 key-value heads, q/k/v bias, untied head. */
    public static ModelConfig microDense() {
        int v = ByteLevelTokenizerFile.VOCAB_SIZE;
        int eot = ByteLevelTokenizerFile.END_OF_TEXT;
        return new ModelConfig("qwen2", v, 32, 64, 2, 4, 2, 8, 1e-6, 10000.0, 512, false, true, 0, 0, 0, 0, false,
                eot, eot);
    }

    /** Like {@link #microDense()} with 4 experts, top-2, and a shared expert. */
    public static ModelConfig microMoe() {
        int v = ByteLevelTokenizerFile.VOCAB_SIZE;
        int eot = ByteLevelTokenizerFile.END_OF_TEXT;
        return new ModelConfig("qwen2_moe", v, 32, 64, 2, 4, 2, 8, 1e-6, 10000.0, 512, false, true, 4, 2, 24, 40,
                false, eot, eot);
    }

    /** Writes {@code config} with seeded weights into {@code dir} and loads it on the CPU. */
    public static DecoderModel create(Path dir, ModelConfig config, long seed) {
        BaseModelInitializer.write(dir, config, seed, DType.F32);
        return HfModelLoader.load(dir, Device.cpu());
    }
}
