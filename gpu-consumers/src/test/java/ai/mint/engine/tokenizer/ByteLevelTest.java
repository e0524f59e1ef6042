package ai.mint.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte-level conventions must be GPT-2's, or real tokenizers and ours would split and spell text differently. */
class ByteLevelTest {

    @Test
    void shouldUseGpt2sAlphabet() {
        assertThat(ByteLevel.charOf(' ')).isEqualTo('\u0120');   // Ġ
        assertThat(ByteLevel.charOf('\n')).isEqualTo('\u010A');  // Ċ
        assertThat(ByteLevel.charOf('A')).isEqualTo('A');
        assertThat(ByteLevel.charOf(0xAD)).isEqualTo('\u0143');  // soft hyphen, the last byte moved past 255
        Set<Character> all = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            all.add(ByteLevel.charOf(b));
        }
        assertThat(all).hasSize(256);
        assertThat(ByteLevel.toAlphabet("é x")).isEqualTo("\u00C3\u00A9\u0120x"); // two UTF-8 bytes, then Ġx
    }

    @Test
    void shouldSplitLikeTheByteLevelPreTokenizer() {
        assertThat(ByteLevel.pretokenize("Hello, world's 42  apples!\n"))
                .containsExactly("Hello", ",", " world", "'s", " 42", " ", " apples", "!", "\n");
    }
}
