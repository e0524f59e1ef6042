package ai.mint.engine.pretrain;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.EngineException;
import ai.mint.engine.tokenizer.BpeVocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A corpus as two token streams (training and held-out), each sentence preceded by {@code <|endoftext|>} so the model
 * learns where sentences start and end. The text is encoded by DJL's {@code HuggingFaceTokenizer} from the
 * {@code tokenizer.json} being trained with, exactly as the engine encodes prompts.
 */
public record TokenStreams(int[] train, int[] heldOut) {

    public static TokenStreams encode(Corpus corpus, Path tokenizerJson) {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("addSpecialTokens", "false"))) {
            return new TokenStreams(stream(tokenizer, corpus.train()), stream(tokenizer, corpus.heldOut()));
        } catch (IOException e) {
            throw new EngineException("cannot load " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    private static int[] stream(HuggingFaceTokenizer tokenizer, List<String> sentences) {
        int[] out = new int[1 << 16];
        int n = 0;
        for (String s : sentences) {
            long[] ids = tokenizer.encode(s, false, false).getIds();
            if (n + ids.length + 1 > out.length) {
                out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + ids.length + 1));
            }
            out[n++] = BpeVocabulary.END_OF_TEXT;
            for (long id : ids) {
                out[n++] = (int) id;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The training windows of optimizer step {@code step}: {@code rows} random spans of {@code width + 1} tokens,
     * row-major [rows, width + 1]. A function of (seed, step) alone, so a resumed run sees the same batches.
     */
    public long[] trainBatch(int rows, int width, long seed, long step) {
        if (train.length < width + 1) {
            throw new EngineException("the training stream has " + train.length + " tokens, fewer than one window of "
                    + (width + 1));
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        long[] out = new long[rows * (width + 1)];
        for (int r = 0; r < rows; r++) {
            int start = rnd.nextInt(train.length - width);
            for (int i = 0; i <= width; i++) {
                out[r * (width + 1) + i] = train[start + i];
            }
        }
        return out;
    }

    /** Non-overlapping held-out windows of {@code width + 1} tokens (stride {@code width}), at most {@code limit}. */
    public int heldOutWindows(int width, int limit) {
        return Math.min(limit, Math.max(0, (heldOut.length - 1) / width));
    }
}
