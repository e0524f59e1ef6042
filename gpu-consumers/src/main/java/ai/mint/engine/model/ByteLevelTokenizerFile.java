package ai.mint.engine.model;

import ai.mint.engine.tokenizer.BpeVocabulary;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes a Hugging Face {@code tokenizer.json} for a byte-level BPE with the 256 byte tokens (GPT-2's byte-to-unicode
 * alphabet), a few special tokens and no merges: it encodes any text, one token per byte, and DJL's
 * HuggingFaceTokenizer loads it like any other tokenizer.json. A trained vocabulary with merges is a
 * {@link BpeVocabulary} with the same ids for bytes and special tokens.
 */
public final class ByteLevelTokenizerFile {

    public static final List<String> SPECIAL_TOKENS = BpeVocabulary.SPECIAL_TOKENS;
    /** Id of {@code <|endoftext|>}, used as both BOS and EOS. */
    public static final int END_OF_TEXT = BpeVocabulary.END_OF_TEXT;
    public static final int PAD = BpeVocabulary.PAD;
    public static final int VOCAB_SIZE = BpeVocabulary.FIRST_MERGED;

    private ByteLevelTokenizerFile() {
    }

    public static void write(Path dir) {
        BpeVocabulary.bytesOnly().write(dir);
    }
}
