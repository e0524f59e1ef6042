package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.registry.SchemaRegistryClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The wiring around the topology: configuration, naming, and the `mint catalog` command. */
class CatalogAppTest {

    private static CatalogConfig config(Map<String, Object> values) {
        return new CatalogConfig(values);
    }

    @Test
    void shouldRunExactlyOnceAndAdvertiseQueryHost() {
        Properties props = CatalogApp.streamsConfig(config(Map.of(CatalogConfig.REGISTRY_URL, "mock://x",
                        CatalogConfig.BOOTSTRAP_SERVERS, "b:9092")), new HostInfo("catalog-1", 7171));
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("catalog-1:7171");
        assertThat(props.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isEqualTo(true);
        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo(CatalogConfig.APPLICATION_ID_DEFAULT);
    }

    @Test
    void shouldNameEveryNodeAndStoreExplicitly() {
        var serdes = CatalogSerdes.using(SchemaRegistryClients.fromUrl("mock://naming"));
        TopologyDescription description = CatalogApp.buildTopology(CatalogTopics.defaults(), serdes,
                StoreKind.IN_MEMORY, "app").describe();

        Set<String> nodes = description.subtopologies().stream().flatMap(s -> s.nodes().stream())
                .map(TopologyDescription.Node::name).collect(Collectors.toSet());
        Set<String> stores = description.subtopologies().stream().flatMap(s -> s.nodes().stream())
                .filter(n -> n instanceof TopologyDescription.Processor)
                .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream()).collect(Collectors.toSet());
        // one sub-topology: every input is keyed by policy id, so nothing is repartitioned
        assertThat(description.subtopologies()).hasSize(1);
        assertThat(nodes).noneMatch(name -> name.startsWith("KSTREAM-") || name.startsWith("KTABLE-"));
        assertThat(nodes).contains("catalog-lifecycle", "decode-mint.serve.requests", "sink-dead-letter");
        assertThat(stores).containsExactlyInAnyOrderElementsOf(CatalogDriver.STORES);
        SchemaRegistryClients.dropMock("naming");
    }

    @Test
    void shouldRefuseConfigWithoutConnectionOrWithBadPort() {
        assertThatThrownBy(() -> config(Map.of(CatalogConfig.BOOTSTRAP_SERVERS, "b:9092")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CatalogConfig.REGISTRY_URL);
        assertThatThrownBy(() -> config(Map.of(CatalogConfig.REGISTRY_URL, "mock://x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CatalogConfig.BOOTSTRAP_SERVERS);
        assertThatThrownBy(() -> config(Map.of(CatalogConfig.REGISTRY_URL, "mock://x",
                CatalogConfig.BOOTSTRAP_SERVERS, "b:9092", CatalogConfig.HTTP_PORT, 70000)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CatalogConfig.HTTP_PORT);
    }

    @Test
    void shouldMapCommandOptionsToConfig(@TempDir Path dir) {
        CatalogCommand command = new CatalogCommand();
        new CommandLine(command).parseArgs("--registry-url", "http://reg:8080/apis/ccompat/v7",
                "--bootstrap-servers", "b1:9092,b2:9092", "--http-port", "0", "--application-id", "cat-2",
                "--state-dir", "/tmp/cat-2", "--connection-file", dir.resolve("absent").toString(),
                "--set", "commit.interval.ms=250");
        CatalogConfig config = command.config(Map.of());
        assertThat(config.connection.schemaRegistryUrl()).isEqualTo("http://reg:8080/apis/ccompat/v7");
        assertThat(config.connection.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
        assertThat(config.httpPort).isZero();
        assertThat(config.applicationId).isEqualTo("cat-2");
        assertThat(config.stateDir.toString()).isEqualTo("/tmp/cat-2");
        assertThat(config.storeKind).isEqualTo(StoreKind.ROCKSDB);
        assertThat(config.commitIntervalMs).isEqualTo(250);
    }

    @Test
    void shouldFindThePlatformLikeEveryCommandAndPassKafkaPropertiesToStreams(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("connection");
        ConnectionFile.write(new PlatformConnection("file:9092", "http://file/apis/ccompat/v7", null, null,
                Map.of("security.protocol", "SASL_PLAINTEXT")), file);
        Path kafkaConfig = dir.resolve("client.properties");
        Files.writeString(kafkaConfig, "sasl.mechanism=PLAIN\n");
        CatalogCommand command = new CatalogCommand();
        new CommandLine(command).parseArgs("--connection-file", file.toString(), "--kafka-config",
                kafkaConfig.toString(), "--kafka", "client.rack=r1");

        CatalogConfig fromFile = command.config(Map.of());
        CatalogConfig fromEnv = command.config(Map.of(ConnectionOptions.ENV_REGISTRY, "http://env/apis/ccompat/v7"));
        Properties streams = CatalogApp.streamsConfig(fromFile, new HostInfo("h", 1));

        assertThat(fromFile.connection.bootstrapServers()).isEqualTo("file:9092");
        assertThat(fromFile.connection.schemaRegistryUrl()).isEqualTo("http://file/apis/ccompat/v7");
        assertThat(fromEnv.connection.schemaRegistryUrl()).isEqualTo("http://env/apis/ccompat/v7");
        assertThat(streams).containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "file:9092")
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("client.rack", "r1")
                .containsEntry("compression.type", "lz4")
                .containsEntry("max.request.size", ai.mint.topics.Topics.MAX_RECORD_BYTES);
    }

    @Test
    void shouldListEverySettingOfTheCatalog() {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new CatalogCommand());
        cli.setOut(new java.io.PrintWriter(out));

        assertThat(cli.execute("--list-settings")).isZero();

        assertThat(CatalogConfig.DEFINITION.names()).allSatisfy(name -> assertThat(out.toString()).contains(name + " = "));
        assertThat(out.toString()).contains("recent.event.ids.per.policy = 256", "query.forward.timeout.ms = 5000",
                "decode.retry.timeout.ms = 60000", "dead.letter.max.value.bytes = 65536", "kafka.*");
    }

    @Test
    void shouldRegisterCommandForTheLauncher() {
        assertThat(ServiceLoader.load(MintSubcommand.class).stream().map(ServiceLoader.Provider::type))
                .contains(CatalogCommand.class);
        assertThat(new CommandLine(new CatalogCommand()).getCommandName()).isEqualTo("catalog");
    }
}
