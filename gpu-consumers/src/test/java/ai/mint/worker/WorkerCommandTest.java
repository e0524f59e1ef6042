package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `mint worker` finds the platform the one way every command does, and lists every setting it has. */
class WorkerCommandTest {

    @TempDir
    Path dir;

    private WorkerConfig config(Map<String, String> env, String... args) {
        WorkerCommand command = new WorkerCommand();
        new CommandLine(command).parseArgs(args);
        return new WorkerConfig(command.collect(env));
    }

    @Test
    void shouldTakeFlagThenEnvironmentThenFileAndHandKafkaPropertiesToEveryClient() throws Exception {
        Path file = dir.resolve("connection");
        ConnectionFile.write(new PlatformConnection("file:9092", "http://file/apis/ccompat/v7", null, null,
                Map.of("security.protocol", "SASL_SSL")), file);
        Path kafkaConfig = dir.resolve("client.properties");
        Files.writeString(kafkaConfig, "sasl.mechanism=SCRAM-SHA-256\n");
        String[] common = {"--connection-file", file.toString(), "--base", "/models/tiny", "--store", "/adapters"};
        Map<String, String> env = Map.of(ConnectionOptions.ENV_REGISTRY, "http://env/apis/ccompat/v7",
                ConnectionOptions.ENV_KAFKA_CONFIG, kafkaConfig.toString());

        WorkerConfig fromFile = config(Map.of(), common);
        WorkerConfig fromEnv = config(env, common);
        WorkerConfig fromFlag = config(env, concat(common, "--bootstrap-servers", "flag:9092", "--kafka",
                "client.rack=r7", "--roles", "inference", "--set", "heartbeat.interval.ms=700"));

        assertThat(fromFile.connection.bootstrapServers()).isEqualTo("file:9092");
        assertThat(fromFile.connection.schemaRegistryUrl()).isEqualTo("http://file/apis/ccompat/v7");
        assertThat(fromEnv.connection.schemaRegistryUrl()).isEqualTo("http://env/apis/ccompat/v7");
        assertThat(KafkaClients.of(fromEnv.connection).consumerConfig("c", Map.of()))
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-256");
        assertThat(fromFlag.connection.bootstrapServers()).isEqualTo("flag:9092");
        // another cluster than the file's: the file's security does not follow, the flags' and the env's do
        assertThat(KafkaClients.of(fromFlag.connection).producerConfig("p", Map.of()))
                .doesNotContainKey("security.protocol").containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("client.rack", "r7").containsEntry("bootstrap.servers", "flag:9092");
        assertThat(fromFlag.roles).containsExactly(WorkerRole.INFERENCE);
        assertThat(fromFlag.heartbeatMs).isEqualTo(700);
    }

    @Test
    void shouldRefuseConnectionKeysAmongWorkerSettings() throws Exception {
        Path settings = dir.resolve("worker.properties");
        Files.writeString(settings, "bootstrap.servers=h:1\n");

        assertThatThrownBy(() -> config(Map.of(ConnectionOptions.ENV_BOOTSTRAP, "h:1"), "--config",
                settings.toString(), "--connection-file", dir.resolve("absent").toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connection setting");
    }

    @Test
    void shouldListEverySettingOfTheWorker() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new WorkerCommand());
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute("--list-settings")).isZero();

        assertThat(WorkerConfig.DEFINITION.names()).allSatisfy(name -> assertThat(out.toString()).contains(name + " = "));
        assertThat(out.toString()).contains("kafka.*", "decode.retry.timeout.ms");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
