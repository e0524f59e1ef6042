package ai.mint.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.ConnectionException;
import ai.mint.common.connection.ConnectionOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OrchestratorCommandTest {

    @TempDir
    Path dir;

    private OrchestratorCommand parse(String... args) {
        OrchestratorCommand command = new OrchestratorCommand();
        String[] withFile = new String[args.length + 2];
        withFile[0] = "--connection-file";
        withFile[1] = dir.resolve("absent").toString();
        System.arraycopy(args, 0, withFile, 2, args.length);
        new CommandLine(command).parseArgs(withFile);
        return command;
    }

    @Test
    void shouldTakeTheEnvironmentsAddressesAndPassKafkaPropertiesIntoItsStreamsConfig() {
        Map<String, String> env = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092",
                ConnectionOptions.ENV_REGISTRY, "http://env/apis/ccompat/v7");

        OrchestratorConfig config = parse("--kafka", "security.protocol=SSL", "--set", "step.max.attempts=5",
                "--application-id", "orch-2").config(env);
        Properties streams = OrchestratorApp.streamsConfig(config);

        assertThat(config.connection.bootstrapServers()).isEqualTo("env:9092");
        assertThat(config.stepMaxAttempts).isEqualTo(5);
        assertThat(streams).containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "env:9092")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "orch-2")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(OrchestratorConfig.STEP_MAX_ATTEMPTS, 5)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    }

    @Test
    void shouldRefuseToStartWithoutAnAddressOrWithAnUnknownSetting() {
        assertThatThrownBy(() -> parse().config(Map.of())).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("./mint up");
        assertThatThrownBy(() -> parse("--set", "step.attempts=5").config(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("step.attempts");
    }

    @Test
    void shouldListEverySettingOfTheOrchestrator() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new OrchestratorCommand());
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute("--list-settings")).isZero();

        assertThat(OrchestratorConfig.DEFINITION.names())
                .allSatisfy(name -> assertThat(out.toString()).contains(name + " = "));
        assertThat(out.toString()).contains("step.max.attempts = 3", "commit.interval.ms = 100", "kafka.*");
    }
}
