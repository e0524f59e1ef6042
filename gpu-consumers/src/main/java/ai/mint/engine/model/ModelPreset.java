package ai.mint.engine.model;

/**
 * Sizes of the base models {@code mint base init} makes: {@code tiny} (about 1M parameters) for tests and
 * {@code small} (50-100M) for benchmarks, each dense (Qwen2 layout) or MoE (Qwen2-MoE layout).
 */
public enum ModelPreset {
    TINY, SMALL;

    public ModelConfig config(boolean moe) {
        int vocab = ByteLevelTokenizerFile.VOCAB_SIZE;
        int eot = ByteLevelTokenizerFile.END_OF_TEXT;
        if (this == TINY) {
            return moe
                    ? new ModelConfig("qwen2_moe", vocab, 128, 384, 4, 4, 2, 32, 1e-6, 10000.0, 2048, false, true,
                    4, 2, 128, 192, false, eot, eot)
                    : new ModelConfig("qwen2", vocab, 128, 384, 4, 4, 2, 32, 1e-6, 10000.0, 2048, false, true,
                    0, 0, 0, 0, false, eot, eot);
        }
        return moe
                ? new ModelConfig("qwen2_moe", vocab, 512, 1408, 8, 8, 4, 64, 1e-6, 1000000.0, 4096, false, true,
                8, 2, 512, 1024, false, eot, eot)
                : new ModelConfig("qwen2", vocab, 768, 2048, 10, 12, 4, 64, 1e-6, 1000000.0, 4096, false, true,
                0, 0, 0, 0, false, eot, eot);
    }
}
