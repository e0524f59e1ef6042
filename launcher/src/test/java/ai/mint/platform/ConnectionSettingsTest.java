package ai.mint.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionSettingsTest {

    @Test
    void shouldReadBackWhatItWrote(@TempDir Path dir) throws Exception {
        ConnectionSettings written = new ConnectionSettings("127.0.0.1:9092",
                "http://127.0.0.1:8080/apis/ccompat/v7");
        Path file = dir.resolve("nested/connection");

        written.writeTo(file);

        assertThat(ConnectionSettings.readFrom(file)).contains(written);
        assertThat(Files.readAllLines(file.toAbsolutePath())).contains(
                "bootstrap.servers=127.0.0.1:9092", "schema.registry.url=http://127.0.0.1:8080/apis/ccompat/v7");
    }

    @Test
    void shouldPrintExactlyTheTwoConnectionLines() {
        String lines = new ConnectionSettings("h:1", "http://r/apis/ccompat/v7").toLines();

        assertThat(lines.lines()).containsExactly("bootstrap.servers=h:1",
                "schema.registry.url=http://r/apis/ccompat/v7");
    }

    @Test
    void shouldBeEmptyWithoutAFileAndFailOnAnIncompleteOne(@TempDir Path dir) throws Exception {
        assertThat(ConnectionSettings.readFrom(dir.resolve("absent"))).isEmpty();

        Path partial = dir.resolve("partial");
        Files.writeString(partial, "bootstrap.servers=h:1\n");
        assertThatThrownBy(() -> ConnectionSettings.readFrom(partial))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("schema.registry.url").hasMessageContaining("./mint up");
    }
}
