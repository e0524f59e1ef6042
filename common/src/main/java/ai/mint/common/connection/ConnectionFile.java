package ai.mint.common.connection;

import ai.mint.common.io.PropertiesFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The connection file {@code mint up} writes ({@code .mint/connection}) so that every other command and service of
 * the machine finds the running platform. A properties file: {@code bootstrap.servers} and {@code schema.registry.url}
 * always, then optionally {@code catalog.url}, {@code schema.registry.basic.auth.user.info},
 * {@code catalog.basic.auth.user.info} and {@code kafka.KEY} lines for Kafka client properties (e.g. {@code kafka.security.protocol=SASL_SSL}). Older files with only the first
 * two lines read as before.
 */
public final class ConnectionFile {

    /** Where {@code mint up} writes it, relative to the repository root the {@code ./mint} script passes. */
    public static final String DEFAULT_PATH = "${sys:mint.home:-.}/.mint/connection";

    private ConnectionFile() {
    }

    /** The connection a file holds, empty when there is no such file. */
    public static Optional<PlatformConnection> read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Map<String, String> props = PropertiesFiles.read(file,
                problem -> new ConnectionException("the connection file " + file + ": " + problem));
        String bootstrap = props.get(PlatformConnection.BOOTSTRAP_SERVERS);
        String registry = props.get(PlatformConnection.SCHEMA_REGISTRY_URL);
        if (bootstrap == null || bootstrap.isBlank() || registry == null || registry.isBlank()) {
            throw new ConnectionException("the connection file " + file + " lacks "
                    + PlatformConnection.BOOTSTRAP_SERVERS + " or " + PlatformConnection.SCHEMA_REGISTRY_URL
                    + "; delete it and run ./mint up again");
        }
        Map<String, String> kafka = new TreeMap<>();
        props.forEach((name, value) -> {
            if (name.startsWith(PlatformConnection.KAFKA_PREFIX)) {
                kafka.put(name.substring(PlatformConnection.KAFKA_PREFIX.length()), value);
            }
        });
        return Optional.of(new PlatformConnection(bootstrap, registry,
                props.get(PlatformConnection.SCHEMA_REGISTRY_USER_INFO), props.get(PlatformConnection.CATALOG_URL),
                kafka, props.get(PlatformConnection.CATALOG_USER_INFO)));
    }

    /**
     * Writes the file atomically (readers never see half of it); readable by its owner only when it holds
     * credentials.
     */
    public static void write(PlatformConnection connection, Path file) {
        Map<String, String> settings = new TreeMap<>(connection.toSettings());
        Map<String, String> lines = new LinkedHashMap<>();
        // the two addresses first, as people and scripts read them
        lines.put(PlatformConnection.BOOTSTRAP_SERVERS, settings.remove(PlatformConnection.BOOTSTRAP_SERVERS));
        String registry = settings.remove(PlatformConnection.SCHEMA_REGISTRY_URL);
        if (registry != null) {
            lines.put(PlatformConnection.SCHEMA_REGISTRY_URL, registry);
        }
        lines.putAll(settings);
        PropertiesFiles.write(file, "written by 'mint up'; removed when it stops", lines, holdsSecrets(connection));
    }

    /** The two lines {@code mint up} prints: {@code bootstrap.servers=...} and {@code schema.registry.url=...}. */
    public static String addressLines(PlatformConnection connection) {
        return PlatformConnection.BOOTSTRAP_SERVERS + "=" + connection.bootstrapServers() + System.lineSeparator()
                + PlatformConnection.SCHEMA_REGISTRY_URL + "=" + connection.requireSchemaRegistryUrl()
                + System.lineSeparator();
    }

    private static boolean holdsSecrets(PlatformConnection connection) {
        return connection.registryUserInfo() != null || connection.catalogUserInfo() != null
                || connection.kafkaProperties().keySet().stream().anyMatch(PlatformConnection::isSecret);
    }
}
