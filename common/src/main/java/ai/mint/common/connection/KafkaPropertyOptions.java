package ai.mint.common.connection;

import ai.mint.common.io.PropertiesFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * The Kafka client properties a command line passes to every client ({@code @Mixin}): a properties file
 * ({@code --kafka-config FILE}, else {@code $MINT_KAFKA_CONFIG}) overlaid by each {@code --kafka KEY=VALUE}. The file
 * may also hold the registry's and the catalog's credentials ({@code schema.registry.basic.auth.user.info},
 * {@code catalog.basic.auth.user.info}), which are taken out of the Kafka properties. Part of {@link ConnectionOptions}; {@code mint up} uses it alone for an external cluster.
 */
public final class KafkaPropertyOptions {

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "a Kafka client property for every client, e.g. --kafka security.protocol=SASL_SSL "
                    + "(repeatable; wins over --kafka-config)")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "properties file of Kafka client settings (security.protocol, sasl.*, ssl.*, ...) "
                    + "(default: $" + ConnectionOptions.ENV_KAFKA_CONFIG + ")")
    Path kafkaConfig;

    /**
     * What the options and the environment give.
     *
     * @param properties Kafka client properties, the file's overlaid by the options
     * @param userInfo   registry credentials from {@code $MINT_SCHEMA_REGISTRY_USER_INFO}, else the file; null if none
     * @param catalogUserInfo catalog query API credentials from {@code $MINT_CATALOG_USER_INFO}, else the file; null if
     *                        none
     */
    public record Given(Map<String, String> properties, String userInfo, String catalogUserInfo) {
    }

    public Given resolve(Map<String, String> env) {
        String fromEnv = env.get(ConnectionOptions.ENV_KAFKA_CONFIG);
        Path file = kafkaConfig != null ? kafkaConfig
                : fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv.trim());
        Map<String, String> properties = new TreeMap<>(file == null ? Map.of() : read(file));
        String fileUserInfo = properties.remove(PlatformConnection.SCHEMA_REGISTRY_USER_INFO);
        String fileCatalogUserInfo = properties.remove(PlatformConnection.CATALOG_USER_INFO);
        properties.putAll(kafka);
        return new Given(properties, envOr(env, ConnectionOptions.ENV_REGISTRY_USER_INFO, fileUserInfo),
                envOr(env, ConnectionOptions.ENV_CATALOG_USER_INFO, fileCatalogUserInfo));
    }

    /** What a client properties file alone gives (as {@code --kafka-config FILE} with no other option). */
    public static Given fromFile(Path file) {
        KafkaPropertyOptions options = new KafkaPropertyOptions();
        options.kafkaConfig = file;
        return options.resolve(Map.of());
    }

    private static String envOr(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value != null && !value.isBlank() ? value.trim() : fallback;
    }

    /**
     * A Kafka client properties file, as Kafka's own tools take with {@code --command-config}. Addresses are refused:
     * they have their options, and two places for one address is how a command ends up on the wrong cluster.
     */
    static Map<String, String> read(Path file) {
        Map<String, String> values = new TreeMap<>();
        Map<String, String> props = PropertiesFiles.read(file,
                problem -> new ConnectionException("--kafka-config " + file + ": " + problem));
        for (String name : props.keySet()) {
            String key = name.equals("basic.auth.user.info") ? PlatformConnection.SCHEMA_REGISTRY_USER_INFO : name;
            if (key.equals(PlatformConnection.BOOTSTRAP_SERVERS) || key.equals(PlatformConnection.SCHEMA_REGISTRY_URL)) {
                throw new ConnectionException("the Kafka config file " + file + " sets " + key + "; give addresses "
                        + "with --bootstrap-servers / --schema-registry-url (or $" + ConnectionOptions.ENV_BOOTSTRAP
                        + " / $" + ConnectionOptions.ENV_REGISTRY + ") and keep the file to client settings such as "
                        + "security.protocol");
            }
            values.put(key, props.get(name));
        }
        return values;
    }
}
