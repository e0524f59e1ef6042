package ai.mint.training.rollout;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.Engine;
import ai.mint.training.TrainingException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns text into token ids and back with the base model's tokenizer (rewards score text, the model sees ids).
 * {@link #open} holds a native tokenizer, so whoever opens one closes it.
 */
public interface TokenText extends AutoCloseable {

    int[] encode(String text);

    String decode(int[] tokens);

    /** Releases native resources; a no-op for views of tokenizers owned elsewhere (e.g. {@link #of(Engine)}). */
    @Override
    default void close() {
    }

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
            private final AtomicBoolean closed = new AtomicBoolean();

            @Override
            public int[] encode(String text) {
                return Arrays.stream(open().encode(text, false, false).getIds()).mapToInt(x -> (int) x).toArray();
            }

            @Override
            public String decode(int[] tokens) {
                return open().decode(Arrays.stream(tokens).asLongStream().toArray(), true);
            }

            /** The native tokenizer, refused once closed (its handle is gone; using it would crash or NPE). */
            private HuggingFaceTokenizer open() {
                if (closed.get()) {
                    throw new IllegalStateException("tokenizer " + file + " is closed");
                }
                return tokenizer;
            }

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    tokenizer.close();
                }
            }
        };
    }
}
