package ai.mint.common.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The one resolution: option, then environment, then the connection file; Kafka properties layered on top. */
class ConnectionOptionsTest {

    private static final String FILE_REGISTRY = "http://file:8080/apis/ccompat/v7";

    @TempDir
    Path dir;

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        ConnectionOptions connection;
    }

    private ConnectionOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.connection;
    }

    private Path connectionFile(Map<String, String> kafka) {
        Path file = dir.resolve("connection");
        ConnectionFile.write(new PlatformConnection("file:9092", FILE_REGISTRY, "file-user:pw", "http://file:7070",
                kafka), file);
        return file;
    }

    @Test
    void shouldTakeEachAddressFromItsOptionThenTheEnvironmentThenTheFile() {
        String file = connectionFile(Map.of()).toString();
        Map<String, String> env = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092",
                ConnectionOptions.ENV_CATALOG, "http://env:7070");

        PlatformConnection fromEnvAndFile = parse("--connection-file", file).resolve(env, true);
        PlatformConnection fromOptions = parse("--connection-file", file, "--bootstrap-servers", "flag:9092",
                "--schema-registry-url", "http://flag/apis/ccompat/v7", "--catalog-url", "http://flag:7070")
                .resolve(env, true);
        PlatformConnection fromFile = parse("--connection-file", file).resolve(Map.of(), true);

        assertThat(fromEnvAndFile.bootstrapServers()).isEqualTo("env:9092");
        assertThat(fromEnvAndFile.schemaRegistryUrl()).isEqualTo(FILE_REGISTRY);
        assertThat(fromEnvAndFile.catalogUrl()).isEqualTo("http://env:7070");
        assertThat(fromOptions.bootstrapServers()).isEqualTo("flag:9092");
        assertThat(fromOptions.schemaRegistryUrl()).isEqualTo("http://flag/apis/ccompat/v7");
        assertThat(fromOptions.catalogUrl()).isEqualTo("http://flag:7070");
        assertThat(fromFile).isEqualTo(ConnectionFile.read(Path.of(file)).orElseThrow());
    }

    @Test
    void shouldLayerKafkaPropertiesFileThenConfigFileThenOptions() throws Exception {
        Path file = connectionFile(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "client.rack", "rack-file"));
        Path kafkaConfig = dir.resolve("client.properties");
        Files.writeString(kafkaConfig, "sasl.mechanism=SCRAM-SHA-512\nssl.truststore.location=/etc/ts.jks\n"
                + "schema.registry.basic.auth.user.info=config-user:pw\n");

        PlatformConnection c = parse("--connection-file", file.toString(), "--kafka-config", kafkaConfig.toString(),
                "--kafka", "ssl.truststore.location=/opt/ts.jks", "--kafka", "linger.ms=9").resolve(Map.of(), true);

        assertThat(c.kafkaProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_PLAINTEXT", // file
                "client.rack", "rack-file",            // file
                "sasl.mechanism", "SCRAM-SHA-512",     // config file over the connection file
                "ssl.truststore.location", "/opt/ts.jks", // --kafka over the config file
                "linger.ms", "9"));
        assertThat(c.registryUserInfo()).isEqualTo("config-user:pw");
    }

    @Test
    void shouldTakeTheKafkaConfigFileFromTheEnvironmentAndTheRegistryCredentialsFromItsVariable() throws Exception {
        Path kafkaConfig = dir.resolve("env-client.properties");
        Files.writeString(kafkaConfig, "security.protocol=SSL\nschema.registry.basic.auth.user.info=a:b\n");
        Map<String, String> env = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092",
                ConnectionOptions.ENV_REGISTRY, "http://env/apis/ccompat/v7",
                ConnectionOptions.ENV_KAFKA_CONFIG, kafkaConfig.toString(),
                ConnectionOptions.ENV_REGISTRY_USER_INFO, "env-user:secret");

        PlatformConnection c = parse("--connection-file", dir.resolve("absent").toString()).resolve(env, true);

        assertThat(c.kafkaProperties()).containsExactlyEntriesOf(Map.of("security.protocol", "SSL"));
        assertThat(c.registryUserInfo()).isEqualTo("env-user:secret");
    }

    @Test
    void shouldNotGiveTheLocalPlatformsSecurityToAnotherCluster() {
        Path file = connectionFile(Map.of("security.protocol", "SASL_SSL"));

        PlatformConnection elsewhere = parse("--connection-file", file.toString(), "--bootstrap-servers", "other:9092",
                "--schema-registry-url", "http://other/apis/ccompat/v7").resolve(Map.of(), true);

        assertThat(elsewhere.kafkaProperties()).isEmpty();
        assertThat(elsewhere.registryUserInfo()).isNull();
    }

    @Test
    void shouldGiveTheCatalogCredentialsOfTheFileOnlyToThePlatformItDescribes() throws Exception {
        Path file = dir.resolve("secure-connection");
        // as 'mint up --secure' writes it: credentials for a catalog whose address is not known yet
        ConnectionFile.write(new PlatformConnection("file:9092", FILE_REGISTRY, "admin:pw", null,
                Map.of("security.protocol", "SASL_SSL"), "admin:catalog-pw"), file);
        Path tenantConfig = dir.resolve("tenant.properties");
        Files.writeString(tenantConfig, "catalog.basic.auth.user.info=acme:tenant-pw\n");

        PlatformConnection local = parse("--connection-file", file.toString(), "--catalog-url", "http://c:7070")
                .resolve(Map.of(), true);
        PlatformConnection tenant = parse("--connection-file", file.toString(), "--kafka-config",
                tenantConfig.toString()).resolve(Map.of(), true);
        PlatformConnection fromEnv = parse("--connection-file", file.toString())
                .resolve(Map.of(ConnectionOptions.ENV_CATALOG_USER_INFO, "env:pw"), true);
        PlatformConnection elsewhere = parse("--connection-file", file.toString(), "--bootstrap-servers", "other:9092",
                "--catalog-url", "http://other:7070").resolve(Map.of(), true);

        assertThat(local.catalogUserInfo()).isEqualTo("admin:catalog-pw");
        assertThat(tenant.catalogUserInfo()).isEqualTo("acme:tenant-pw");
        assertThat(tenant.kafkaProperties()).doesNotContainKey(PlatformConnection.CATALOG_USER_INFO);
        assertThat(fromEnv.catalogUserInfo()).isEqualTo("env:pw");
        assertThat(elsewhere.catalogUserInfo()).isNull();
        assertThat(ConnectionFile.read(file).orElseThrow().catalogUserInfo()).isEqualTo("admin:catalog-pw");
        assertThat(local.toString()).doesNotContain("catalog-pw").contains("catalog credentials [hidden]");
    }

    @Test
    void shouldTellHowToGiveAnAddressNobodyGave() {
        ConnectionOptions none = parse("--connection-file", dir.resolve("absent").toString());

        assertThatThrownBy(() -> none.resolve(Map.of(), true))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("./mint up").hasMessageContaining("--bootstrap-servers")
                .hasMessageContaining("$MINT_BOOTSTRAP_SERVERS")
                .satisfies(e -> assertThat(((ConnectionException) e).missing()).isTrue());
        assertThatThrownBy(() -> none.resolve(Map.of(ConnectionOptions.ENV_BOOTSTRAP, "h:1"), true))
                .hasMessageContaining("--schema-registry-url");
        assertThat(none.resolve(Map.of(ConnectionOptions.ENV_BOOTSTRAP, "h:1"), false).schemaRegistryUrl()).isNull();
    }

    @Test
    void shouldRefuseAddressesInTheKafkaConfigFileAndAMissingFile() throws Exception {
        Path kafkaConfig = dir.resolve("with-address.properties");
        Files.writeString(kafkaConfig, "bootstrap.servers=elsewhere:9092\n");
        Map<String, String> env = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "h:1");

        assertThatThrownBy(() -> parse("--kafka-config", kafkaConfig.toString()).resolve(env, false))
                .isInstanceOf(ConnectionException.class).hasMessageContaining("sets bootstrap.servers")
                .satisfies(e -> assertThat(((ConnectionException) e).missing()).isFalse());
        assertThatThrownBy(() -> parse("--kafka-config", dir.resolve("nope").toString()).resolve(env, false))
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> parse("--kafka", "bootstrap.servers=x:1").resolve(env, false))
                .isInstanceOf(ConnectionException.class).hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void shouldAcceptTheOldRegistryOptionName() {
        PlatformConnection c = parse("--bootstrap-servers", "h:1", "--registry-url", "http://r/apis/ccompat/v7",
                "--connection-file", dir.resolve("absent").toString()).resolve(Map.of(), true);

        assertThat(c.schemaRegistryUrl()).isEqualTo("http://r/apis/ccompat/v7");
    }
}
