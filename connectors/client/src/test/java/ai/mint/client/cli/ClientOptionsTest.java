package ai.mint.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.ConnectionException;
import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client commands find the platform the one way every command does, Kafka security included. */
class ClientOptionsTest {

    @TempDir
    Path dir;

    private PlatformConnection resolve(Map<String, String> env, String... args) {
        PromoteCommand command = new PromoteCommand();
        new CommandLine(command).parseArgs(args);
        return command.client.platform(env);
    }

    @Test
    void shouldTakeFlagThenEnvironmentThenFileAndPassKafkaPropertiesToTheClients() {
        Path file = dir.resolve("connection");
        ConnectionFile.write(new PlatformConnection("file:9092", "http://file/apis/ccompat/v7", null, null,
                Map.of("security.protocol", "SSL")), file);
        Map<String, String> env = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092");

        PlatformConnection fromFile = resolve(Map.of(), "--connection-file", file.toString(), "p", "r1");
        PlatformConnection fromEnv = resolve(env, "--connection-file", file.toString(), "p", "r1");
        PlatformConnection fromFlag = resolve(env, "--connection-file", file.toString(), "--bootstrap-servers",
                "flag:9092", "--kafka", "security.protocol=SASL_SSL", "p", "r1");

        assertThat(fromFile.bootstrapServers()).isEqualTo("file:9092");
        assertThat(KafkaClients.of(fromFile).producerConfig("c", Map.of())).containsEntry("security.protocol", "SSL");
        assertThat(fromEnv.bootstrapServers()).isEqualTo("env:9092");
        assertThat(fromEnv.schemaRegistryUrl()).isEqualTo("http://file/apis/ccompat/v7");
        assertThat(fromFlag.bootstrapServers()).isEqualTo("flag:9092");
        assertThat(KafkaClients.of(fromFlag).consumerConfig("c", Map.of()))
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldSayHowToFindThePlatformWhenNothingNamesIt() {
        assertThatThrownBy(() -> resolve(Map.of(), "--connection-file", dir.resolve("absent").toString(), "p", "r1"))
                .isInstanceOf(ConnectionException.class).hasMessageContaining("./mint up")
                .hasMessageContaining("--bootstrap-servers");
    }
}
