package ai.mint.common.connection;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The one way every {@code mint} command and service finds the platform ({@code @Mixin ConnectionOptions}). Each
 * address comes from its option, else its environment variable, else the connection file {@code mint up} wrote. Kafka
 * client properties (security and anything else) are merged from, lowest first: the connection file's
 * {@code kafka.*} lines, the properties file of {@code --kafka-config} (else {@code $MINT_KAFKA_CONFIG}), then each
 * {@code --kafka KEY=VALUE}. What the connection file says about security is used only with the address it gave: a
 * command pointed elsewhere does not inherit the local platform's credentials.
 */
public final class ConnectionOptions {

    public static final String ENV_BOOTSTRAP = "MINT_BOOTSTRAP_SERVERS";
    public static final String ENV_REGISTRY = "MINT_SCHEMA_REGISTRY_URL";
    public static final String ENV_REGISTRY_USER_INFO = "MINT_SCHEMA_REGISTRY_USER_INFO";
    public static final String ENV_CATALOG = "MINT_CATALOG_URL";
    public static final String ENV_CATALOG_USER_INFO = "MINT_CATALOG_USER_INFO";
    public static final String ENV_KAFKA_CONFIG = "MINT_KAFKA_CONFIG";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap.servers (default: $" + ENV_BOOTSTRAP + ", else the connection file)")
    String bootstrapServers;

    @Option(names = {"--schema-registry-url", "--registry-url"}, paramLabel = "URL",
            description = "Confluent-API schema registry URL (default: $" + ENV_REGISTRY + ", else the connection "
                    + "file); credentials from $" + ENV_REGISTRY_USER_INFO + " or "
                    + PlatformConnection.SCHEMA_REGISTRY_USER_INFO + " in the --kafka-config file")
    String schemaRegistryUrl;

    @Option(names = "--catalog-url", paramLabel = "URL",
            description = "the catalog's query API (default: $" + ENV_CATALOG + ", else the connection file)")
    String catalogUrl;

    @Option(names = "--connection-file", paramLabel = "FILE", defaultValue = ConnectionFile.DEFAULT_PATH,
            description = "file written by 'mint up' (default: ${DEFAULT-VALUE})")
    Path connectionFile;

    @Mixin
    KafkaPropertyOptions kafka;

    /** Kafka's and the registry's addresses, or an error that says how to give them. */
    public PlatformConnection resolve() {
        return resolve(System.getenv(), true);
    }

    /** Only Kafka's address is required (commands that never touch the registry). */
    public PlatformConnection resolveKafkaOnly() {
        return resolve(System.getenv(), false);
    }

    /**
     * The resolution against a given environment (tests pass their own).
     *
     * @param registryRequired whether a missing registry URL is an error
     */
    public PlatformConnection resolve(Map<String, String> env, boolean registryRequired) {
        Optional<PlatformConnection> file = ConnectionFile.read(connectionFile);
        String bootstrap = first(bootstrapServers, env.get(ENV_BOOTSTRAP));
        boolean kafkaFromFile = bootstrap == null && file.isPresent();
        if (kafkaFromFile) {
            bootstrap = file.get().bootstrapServers();
        }
        if (bootstrap == null) {
            throw missing("Kafka bootstrap.servers", "--bootstrap-servers", ENV_BOOTSTRAP);
        }
        String registry = first(schemaRegistryUrl, env.get(ENV_REGISTRY));
        boolean registryFromFile = registry == null && file.isPresent();
        if (registryFromFile) {
            registry = file.get().schemaRegistryUrl();
        }
        if (registry == null && registryRequired) {
            throw missing("schema registry URL", "--schema-registry-url", ENV_REGISTRY);
        }
        String catalog = first(catalogUrl, env.get(ENV_CATALOG));
        boolean catalogFromFile = catalog == null && file.isPresent();
        if (catalogFromFile) {
            catalog = file.get().catalogUrl();
        }

        Map<String, String> properties = new TreeMap<>();
        if (kafkaFromFile) {
            properties.putAll(file.get().kafkaProperties());
        }
        KafkaPropertyOptions.Given given = kafka.resolve(env);
        properties.putAll(given.properties());
        String userInfo = given.userInfo();
        if (userInfo == null && registryFromFile) {
            userInfo = file.get().registryUserInfo();
        }
        String catalogUserInfo = given.catalogUserInfo();
        // the file's catalog credentials go with its catalog address, or with its Kafka address when it names no catalog
        // (the catalog of the platform it describes, found by option or environment)
        if (catalogUserInfo == null && (catalogFromFile || kafkaFromFile && file.get().catalogUrl() == null)) {
            catalogUserInfo = file.get().catalogUserInfo();
        }
        return new PlatformConnection(bootstrap, registry, userInfo, catalog, properties, catalogUserInfo);
    }

    /** The connection file this command reads. */
    public Path connectionFile() {
        return connectionFile;
    }

    private static String first(String flag, String env) {
        if (flag != null && !flag.isBlank()) {
            return flag.trim();
        }
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        return null;
    }

    private ConnectionException missing(String what, String option, String env) {
        return new ConnectionException("no " + what + " known: start the platform with ./mint up (it writes "
                + connectionFile + "), or pass " + option + " or set $" + env, true, null);
    }
}
