package ai.mint.engine.pretrain;

import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.tokenizer.BpeVocabulary;

/**
 * Everything that decides a pretraining run: the tokenizer's size, the decoder's shape (Qwen2 layout: q/k/v bias,
 * SwiGLU, RMSNorm, rotary positions, untied head) and the optimisation (AdamW, linear warm-up then cosine decay to
 * {@code minLrRatio} of the peak, global-norm clipping). The same settings and seed give the same model.
 *
 * @param windowTokens tokens per training window (also the model's max_position_embeddings)
 * @param batchWindows windows per optimizer step
 * @param evalEvery    steps between a held-out evaluation and a checkpoint
 * @param evalWindows  held-out windows scored at each checkpoint (the final score uses every held-out window)
 */
public record PretrainSettings(
        String name,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int layers,
        int heads,
        int kvHeads,
        int windowTokens,
        int batchWindows,
        int steps,
        double peakLr,
        int warmupSteps,
        double minLrRatio,
        double weightDecay,
        double gradClipNorm,
        int evalEvery,
        int evalWindows,
        long seed) {

    public PretrainSettings {
        if (vocabSize <= BpeVocabulary.FIRST_MERGED) {
            throw new IllegalArgumentException("vocab_size " + vocabSize + " leaves no room for merges (bytes and "
                    + "special tokens take " + BpeVocabulary.FIRST_MERGED + ")");
        }
        if (hiddenSize % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("hidden " + hiddenSize + ", heads " + heads + ", kv heads " + kvHeads
                    + ": hidden must divide by heads and heads by kv heads");
        }
        if (steps < 1 || warmupSteps >= steps || evalEvery < 1 || batchWindows < 1 || windowTokens < 2) {
            throw new IllegalArgumentException("need steps >= 1, warm-up < steps, eval_every >= 1, batch >= 1 and "
                    + "windows of >= 2 tokens; got " + this);
        }
    }

    /** The decoder these settings train, over a tokenizer of {@code vocab} tokens. */
    public ModelConfig modelConfig(int vocab) {
        int eot = BpeVocabulary.END_OF_TEXT;
        return new ModelConfig("qwen2", vocab, hiddenSize, intermediateSize, layers, heads, kvHeads,
                hiddenSize / heads, 1e-6, 10000.0, windowTokens, false, true, 0, 0, 0, 0, false, eot, eot);
    }

    /** The learning rate at optimizer step {@code step} (0-based). */
    public double learningRate(long step) {
        if (step < warmupSteps) {
            return peakLr * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) (steps - warmupSteps));
        return peakLr * (minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** Tokens one optimizer step trains on. */
    public long tokensPerStep() {
        return (long) batchWindows * windowTokens;
    }
}
