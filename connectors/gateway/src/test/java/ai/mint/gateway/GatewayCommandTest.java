package ai.mint.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.ConnectionOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `mint gateway` finds the platform the one way every command does, and lists every setting it has. */
class GatewayCommandTest {

    @TempDir
    Path dir;

    private GatewayConfig config(Map<String, String> env, String... args) {
        GatewayCommand command = new GatewayCommand();
        new CommandLine(command).parseArgs(args);
        return command.config(env);
    }

    private static final Map<String, String> ENV = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "k:9092",
            ConnectionOptions.ENV_REGISTRY, "http://r/apis/ccompat/v7");

    @Test
    void shouldTakeTheDedicatedOptionsOverSettingsAndDefaultTheCatalogToItsDefaultPort() {
        GatewayConfig config = config(ENV, "--connection-file", dir.resolve("none").toString(), "--port", "9100",
                "--gateway-id", "gw-1", "--api-keys", "/etc/keys.json", "--set", "http.port=9200", "--set",
                "max.n=3");

        assertThat(config.httpPort).isEqualTo(9100);
        assertThat(config.gatewayId).isEqualTo("gw-1");
        assertThat(config.apiKeysFile).isEqualTo(Path.of("/etc/keys.json"));
        assertThat(config.limits.maxN()).isEqualTo(3);
        assertThat(config.catalogUrl).isEqualTo(GatewayConfig.CATALOG_URL_DEFAULT);
        assertThat(config.connection.bootstrapServers()).isEqualTo("k:9092");
    }

    @Test
    void shouldTakeTheCatalogUrlFromItsOptionOrEnvironment() {
        assertThat(config(Map.of(ConnectionOptions.ENV_BOOTSTRAP, "k:9092", ConnectionOptions.ENV_REGISTRY, "http://r",
                ConnectionOptions.ENV_CATALOG, "http://catalog:7070"), "--connection-file",
                dir.resolve("none").toString()).catalogUrl).isEqualTo("http://catalog:7070");
        assertThat(config(ENV, "--connection-file", dir.resolve("none").toString(), "--catalog-url",
                "http://flag:1").catalogUrl).isEqualTo("http://flag:1");
    }

    @Test
    void shouldRefuseAnIdThatCannotNameItsReplyTopic() {
        assertThatThrownBy(() -> config(ENV, "--connection-file", dir.resolve("none").toString(), "--gateway-id",
                "a b")).isInstanceOf(ConfigException.class).hasMessageContaining("gateway.id")
                .hasMessageContaining("cannot name a topic");
    }

    @Test
    void shouldListEverySettingOfTheGateway() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new GatewayCommand());
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute("--list-settings")).isZero();

        assertThat(GatewayConfig.DEFINITION.names()).allSatisfy(name -> assertThat(out.toString()).contains(name + " = "));
    }
}
