package ai.mint.training.rollout;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.Engine;
import ai.mint.training.TrainingException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Turns text into token ids and back with the base model's tokenizer (rewards score text, the model sees ids). */
public interface TokenText {

    int[] encode(String text);

    String decode(int[] tokens);

    /** The tokenizer of a running engine. */
    static TokenText of(Engine engine) {
        return new TokenText() {
            @Override
            public int[] encode(String text) {
                return engine.encode(text);
            }

            @Override
            public String decode(int[] tokens) {
                return engine.decode(tokens);
            }
        };
    }

    /** The {@code tokenizer.json} in a Hugging Face model directory. */
    static TokenText open(Path modelDir) {
        Path file = modelDir.resolve("tokenizer.json");
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            throw new TrainingException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
        return new TokenText() {
            @Override
            public int[] encode(String text) {
                return Arrays.stream(tokenizer.encode(text, false, false).getIds()).mapToInt(x -> (int) x).toArray();
            }

            @Override
            public String decode(int[] tokens) {
                return tokenizer.decode(Arrays.stream(tokens).asLongStream().toArray(), true);
            }
        };
    }
}
