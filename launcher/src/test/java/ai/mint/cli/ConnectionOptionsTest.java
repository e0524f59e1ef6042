package ai.mint.cli;

import ai.mint.platform.ConnectionSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionOptionsTest {

    private static final String REGISTRY = "http://127.0.0.1:1/apis/ccompat/v7";

    @Test
    void shouldTakeEachAddressFromItsFlagThenEnvironmentThenFile(@TempDir Path dir) {
        Path file = dir.resolve("connection");
        new ConnectionSettings("file:1", "http://file/apis/ccompat/v7").writeTo(file);
        Map<String, String> env = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:1");

        ConnectionSettings resolved = ConnectionOptions.resolve(null, null, env, file);
        assertThat(resolved).isEqualTo(new ConnectionSettings("env:1", "http://file/apis/ccompat/v7"));

        ConnectionSettings flagged = ConnectionOptions.resolve("flag:1", REGISTRY, env, file);
        assertThat(flagged).isEqualTo(new ConnectionSettings("flag:1", REGISTRY));
    }

    @Test
    void shouldWorkWithoutAFileWhenBothAreGiven(@TempDir Path dir) {
        assertThat(ConnectionOptions.resolve(" flag:1 ", REGISTRY, Map.of(), dir.resolve("absent")))
                .isEqualTo(new ConnectionSettings("flag:1", REGISTRY));
    }

    @Test
    void shouldTellToRunMintUpWhenNothingIsKnown(@TempDir Path dir) {
        Path absent = dir.resolve("absent");

        assertThatThrownBy(() -> ConnectionOptions.resolve(null, null, Map.of(), absent))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("./mint up").hasMessageContaining("--bootstrap-servers")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.UNAVAILABLE));
        assertThatThrownBy(() -> ConnectionOptions.resolve("h:1", null, Map.of(), absent))
                .hasMessageContaining("--schema-registry-url");
    }
}
