package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.registry.SchemaRegistryClients;
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
import picocli.CommandLine;

/** The wiring around the topology: configuration, naming, and the `mint catalog` command. */
class CatalogAppTest {

    private static CatalogConfig config(Map<String, Object> values) {
        return new CatalogConfig(values);
    }

    @Test
    void shouldRunExactlyOnceAndAdvertiseQueryHost() {
        Properties props = CatalogApp.streamsConfig(config(Map.of(CatalogConfig.REGISTRY_URL, "mock://x")),
                new HostInfo("catalog-1", 7171));
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
    void shouldRefuseConfigWithoutRegistryOrWithBadPort() {
        assertThatThrownBy(() -> config(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CatalogConfig.REGISTRY_URL);
        assertThatThrownBy(() -> config(Map.of(CatalogConfig.REGISTRY_URL, "mock://x", CatalogConfig.HTTP_PORT, 70000)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CatalogConfig.HTTP_PORT);
    }

    @Test
    void shouldMapCommandOptionsToConfig() {
        CatalogCommand command = new CatalogCommand();
        new CommandLine(command).parseArgs("--registry-url", "http://reg:8080/apis/ccompat/v7",
                "--bootstrap-servers", "b1:9092,b2:9092", "--http-port", "0", "--application-id", "cat-2",
                "--state-dir", "/tmp/cat-2");
        CatalogConfig config = command.config();
        assertThat(config.registryUrl).isEqualTo("http://reg:8080/apis/ccompat/v7");
        assertThat(config.bootstrapServers).isEqualTo("b1:9092,b2:9092");
        assertThat(config.httpPort).isZero();
        assertThat(config.applicationId).isEqualTo("cat-2");
        assertThat(config.stateDir.toString()).isEqualTo("/tmp/cat-2");
        assertThat(config.storeKind).isEqualTo(StoreKind.ROCKSDB);
    }

    @Test
    void shouldRegisterCommandForTheLauncher() {
        assertThat(ServiceLoader.load(MintSubcommand.class).stream().map(ServiceLoader.Provider::type))
                .contains(CatalogCommand.class);
        assertThat(new CommandLine(new CatalogCommand()).getCommandName()).isEqualTo("catalog");
    }
}
