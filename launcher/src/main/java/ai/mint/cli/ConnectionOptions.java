package ai.mint.cli;

import ai.mint.platform.ConnectionSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a command finds the platform. Each address comes from, in order: its option, its environment variable
 * ({@code MINT_BOOTSTRAP_SERVERS}, {@code MINT_SCHEMA_REGISTRY_URL}), the connection file that {@code mint up} wrote.
 */
public final class ConnectionOptions {

    static final String ENV_BOOTSTRAP = "MINT_BOOTSTRAP_SERVERS";
    static final String ENV_REGISTRY = "MINT_SCHEMA_REGISTRY_URL";
    /** Where {@code mint up} writes its addresses, relative to the repository root the ./mint script passes. */
    static final String DEFAULT_CONNECTION_FILE = "${sys:mint.home:-.}/.mint/connection";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap.servers (default: $" + ENV_BOOTSTRAP + ", else the connection file)")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Confluent-API schema registry URL (default: $" + ENV_REGISTRY + ", else the connection file)")
    String schemaRegistryUrl;

    @Option(names = "--connection-file", paramLabel = "FILE", defaultValue = DEFAULT_CONNECTION_FILE,
            description = "file written by 'mint up' (default: ${DEFAULT-VALUE})")
    Path connectionFile;

    /** Both addresses, or an error that says how to get them. */
    public ConnectionSettings resolve() {
        return resolve(bootstrapServers, schemaRegistryUrl, System.getenv(), connectionFile);
    }

    /** Only Kafka's address (for commands that never touch the registry). */
    public String resolveBootstrapServers() {
        return resolveBootstrapServers(bootstrapServers, System.getenv(), connectionFile);
    }

    static ConnectionSettings resolve(String bootstrapFlag, String registryFlag, Map<String, String> env, Path file) {
        String bootstrap = resolveBootstrapServers(bootstrapFlag, env, file);
        String registry = firstPresent(registryFlag, env.get(ENV_REGISTRY))
                .or(() -> fromFile(file).map(ConnectionSettings::schemaRegistryUrl))
                .orElseThrow(() -> missing("schema registry URL", "--schema-registry-url", ENV_REGISTRY, file));
        return new ConnectionSettings(bootstrap, registry);
    }

    static String resolveBootstrapServers(String flag, Map<String, String> env, Path file) {
        return firstPresent(flag, env.get(ENV_BOOTSTRAP))
                .or(() -> fromFile(file).map(ConnectionSettings::bootstrapServers))
                .orElseThrow(() -> missing("Kafka bootstrap.servers", "--bootstrap-servers", ENV_BOOTSTRAP, file));
    }

    private static Optional<String> firstPresent(String flag, String env) {
        if (flag != null && !flag.isBlank()) {
            return Optional.of(flag.trim());
        }
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        return Optional.empty();
    }

    private static Optional<ConnectionSettings> fromFile(Path file) {
        return file == null ? Optional.empty() : ConnectionSettings.readFrom(file);
    }

    private static CliException missing(String what, String option, String env, Path file) {
        return new CliException("no " + what + " known: start the platform with ./mint up (it writes " + file
                + "), or pass " + option + " or set $" + env, ExitCodes.UNAVAILABLE);
    }
}
