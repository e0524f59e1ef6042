package ai.mint.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.ConnectionConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class SettingsOptionsTest {

    private static final ConfigDef DEFINITION = ConnectionConfig.define(new ConfigDef())
            .define("poll.records", Type.INT, 8, Range.atLeast(1), Importance.MEDIUM, "Records per poll.")
            .define("http.port", Type.INT, 7070, Importance.LOW, "Port of the query API.")
            .define("name", Type.STRING, "x", Importance.LOW, "A name.");

    @TempDir
    Path dir;

    @Command(name = "svc")
    static final class Svc implements Runnable {
        @Mixin
        SettingsOptions settings;

        @Override
        public void run() {
            settings.list(DEFINITION);
        }
    }

    private SettingsOptions parse(String... args) {
        Svc svc = new Svc();
        new CommandLine(svc).parseArgs(args);
        return svc.settings;
    }

    @Test
    void shouldTakeTheFileThenSetThenDedicatedOptions() throws Exception {
        Path file = dir.resolve("svc.properties");
        Files.writeString(file, "poll.records=2\nname=from-file\nhttp.port=1\n");
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put("http.port", 0);
        dedicated.put("name", null); // an option not given

        Map<String, Object> values = parse("--config", file.toString(), "--set", "poll.records=3")
                .collect(DEFINITION, dedicated);

        assertThat(values).containsEntry("poll.records", "3").containsEntry("name", "from-file")
                .containsEntry("http.port", 0);
    }

    @Test
    void shouldRefuseUnknownAndConnectionKeysNamingThem() throws Exception {
        assertThatThrownBy(() -> parse("--set", "pol.records=3").collect(DEFINITION, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting 'pol.records'")
                .hasMessageContaining("--list-settings");
        Path file = dir.resolve("with-connection.properties");
        Files.writeString(file, "bootstrap.servers=h:1\n");
        assertThatThrownBy(() -> parse("--config", file.toString()).collect(DEFINITION, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap.servers is a connection setting")
                .hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> parse("--set", "kafka.security.protocol=SSL").collect(DEFINITION, Map.of()))
                .hasMessageContaining("connection setting");
        assertThatThrownBy(() -> parse("--config", dir.resolve("absent").toString()).collect(DEFINITION, Map.of()))
                .hasMessageContaining("no such file");
    }

    @Test
    void shouldListEverySettingWithDefaultTypeAndDocThroughTheCommandsOutput() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Svc());
        cli.setOut(new PrintWriter(out));

        cli.execute("--list-settings");

        for (String name : DEFINITION.names()) {
            assertThat(out.toString()).contains(name + " = ");
        }
        assertThat(out.toString()).contains("poll.records = 8  (int, [1,...], medium importance)")
                .contains("    Records per poll.")
                .contains("bootstrap.servers = (required)")
                .contains("schema.registry.basic.auth.user.info = (none)")
                .contains("kafka.*").contains("--kafka KEY=VALUE");
    }
}
