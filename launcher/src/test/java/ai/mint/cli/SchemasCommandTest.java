package ai.mint.cli;

import ai.mint.schemas.compat.ReleasedSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SchemasCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldReleaseEveryEventIntoAnEmptyDirectoryAndThenCheckClean() throws Exception {
        CommandLine cli = new CommandLine(new SchemasCommand());

        int released = cli.execute("release", "--released-dir", dir.toString());
        int releasedAgain = cli.execute("release", "--released-dir", dir.toString());
        int checked = cli.execute("check", "--released-dir", dir.toString());

        assertThat(released).isZero();
        assertThat(releasedAgain).isZero();
        assertThat(checked).isZero();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".avsc")).count())
                    .isEqualTo(ReleasedSchemas.currentEventSchemas().size());
        }
    }

    @Test
    void shouldFailTheCheckWhenAReleasedVersionIsBroken() throws Exception {
        // a released Metric that had a required field the current one lacks: old readers would break
        Files.createDirectories(dir.resolve("Metric"));
        Files.writeString(dir.resolve("Metric/v1.avsc"), "{\"type\":\"record\",\"name\":\"Metric\","
                + "\"namespace\":\"ai.mint.events\",\"fields\":[{\"name\":\"unit\",\"type\":\"string\"}]}");

        assertThat(new CommandLine(new SchemasCommand()).execute("check", "--released-dir", dir.toString()))
                .isEqualTo(1);
        assertThat(new CommandLine(new SchemasCommand()).execute("release", "--released-dir", dir.toString()))
                .isEqualTo(1);
        assertThat(dir.resolve("PolicySpec")).doesNotExist();
    }
}
