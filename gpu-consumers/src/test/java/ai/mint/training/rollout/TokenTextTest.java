package ai.mint.training.rollout;

import ai.mint.engine.model.ByteLevelTokenizerFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tokenizer opened from a model directory holds a native handle, released by close. */
class TokenTextTest {

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripTextAndRefuseUseAfterClose() {
        ByteLevelTokenizerFile.write(dir);
        TokenText text = TokenText.open(dir);
        int[] ids = text.encode("Hi 7");
        assertThat(ids).containsExactly('H', 'i', ' ', '7'); // byte-level: one id per ASCII byte
        assertThat(text.decode(ids)).isEqualTo("Hi 7");
        text.close();
        text.close(); // idempotent
        assertThatThrownBy(() -> text.encode("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> text.decode(ids)).isInstanceOf(IllegalStateException.class);
    }
}
