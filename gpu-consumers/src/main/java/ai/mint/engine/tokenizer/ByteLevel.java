package ai.mint.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The byte-level conventions of GPT-2 style tokenizers as Hugging Face's {@code ByteLevel} pre-tokenizer applies
 * them: text is split into pre-tokens by GPT-2's regular expression, and each UTF-8 byte of a pre-token is written as
 * one printable character of a fixed 256-character alphabet (so a space becomes {@code Ġ}). A BPE vocabulary is a set
 * of strings over that alphabet; keeping the same conventions lets real tokenizers and ours load the same way.
 */
public final class ByteLevel {

    /** GPT-2's pre-tokenizer split: contractions, words with one leading space, numbers, other runs, spaces. */
    private static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            // printable Latin-1 bytes stand for themselves; the others move past 255, in byte order
            BYTE_TO_CHAR[b] = printable(b) ? (char) b : (char) (256 + shifted++);
        }
    }

    private ByteLevel() {
    }

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The alphabet character that stands for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b];
    }

    /** A pre-token's UTF-8 bytes written in the byte-level alphabet. */
    public static String toAlphabet(String pretoken) {
        byte[] bytes = pretoken.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** Splits text into pre-tokens the way the {@code ByteLevel} pre-tokenizer with {@code use_regex} does. */
    public static List<String> pretokenize(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
