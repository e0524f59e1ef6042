package ai.mint.common.connection;

import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where the platform is and how to talk to it: Kafka's {@code bootstrap.servers}, the schema registry's Confluent-API
 * URL (with optional basic-auth credentials), the catalog's query URL when known (with optional credentials), and any
 * further Kafka client properties ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...) that every producer, consumer, admin and
 * Streams app of the process receives. Resolved once per process by {@link ConnectionOptions}; {@link #toString()}
 * hides secrets.
 *
 * @param bootstrapServers  {@code HOST:PORT[,HOST:PORT...]}
 * @param schemaRegistryUrl Confluent Schema Registry API base URL; null only for commands that never decode events
 * @param registryUserInfo  {@code USER:PASSWORD} sent to the registry as basic auth, or null
 * @param catalogUrl        base URL of the catalog's query API, or null when not known
 * @param kafkaProperties   extra Kafka client properties, passed to every client as they are
 * @param catalogUserInfo   {@code USER:PASSWORD} sent to the catalog's query API as basic auth, or null
 */
public record PlatformConnection(String bootstrapServers, String schemaRegistryUrl, String registryUserInfo,
                                 String catalogUrl, Map<String, String> kafkaProperties, String catalogUserInfo) {

    /** The key of Kafka's address, in connection files and service settings. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** The key of the registry's URL, in connection files and service settings. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** The key of the registry's basic-auth credentials ({@code USER:PASSWORD}), as Confluent's clients name it. */
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    /** The key of the catalog query API's URL. */
    public static final String CATALOG_URL = "catalog.url";
    /** The key of the catalog query API's basic-auth credentials ({@code USER:PASSWORD}). */
    public static final String CATALOG_USER_INFO = "catalog.basic.auth.user.info";
    /** Prefix of Kafka client properties in connection files and service settings ({@code kafka.security.protocol}). */
    public static final String KAFKA_PREFIX = "kafka.";

    private static final String HIDDEN = "[hidden]";

    public PlatformConnection {
        Objects.requireNonNull(bootstrapServers, BOOTSTRAP_SERVERS);
        if (bootstrapServers.isBlank()) {
            throw new ConnectionException(BOOTSTRAP_SERVERS + " is empty");
        }
        bootstrapServers = bootstrapServers.trim();
        schemaRegistryUrl = blankToNull(schemaRegistryUrl);
        registryUserInfo = blankToNull(registryUserInfo);
        catalogUrl = blankToNull(catalogUrl);
        catalogUserInfo = blankToNull(catalogUserInfo);
        kafkaProperties = kafkaProperties == null ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(kafkaProperties));
        if (kafkaProperties.containsKey(BOOTSTRAP_SERVERS)) {
            throw new ConnectionException("bootstrap.servers cannot be a pass-through Kafka property: give it with "
                    + "--bootstrap-servers, $" + ConnectionOptions.ENV_BOOTSTRAP + " or the connection file");
        }
    }

    /** A connection without catalog credentials (a catalog that asks for none). */
    public PlatformConnection(String bootstrapServers, String schemaRegistryUrl, String registryUserInfo,
                              String catalogUrl, Map<String, String> kafkaProperties) {
        this(bootstrapServers, schemaRegistryUrl, registryUserInfo, catalogUrl, kafkaProperties, null);
    }

    /** Kafka and a registry, nothing else (embedded platforms, tests). */
    public static PlatformConnection of(String bootstrapServers, String schemaRegistryUrl) {
        return new PlatformConnection(bootstrapServers, schemaRegistryUrl, null, null, Map.of());
    }

    /** The same connection with the catalog's query API at {@code url}. */
    public PlatformConnection withCatalog(String url) {
        return new PlatformConnection(bootstrapServers, schemaRegistryUrl, registryUserInfo, url, kafkaProperties,
                catalogUserInfo);
    }

    /** The same connection with more Kafka properties (these win over the ones it had). */
    public PlatformConnection withKafkaProperties(Map<String, String> more) {
        Map<String, String> merged = new TreeMap<>(kafkaProperties);
        merged.putAll(more);
        return new PlatformConnection(bootstrapServers, schemaRegistryUrl, registryUserInfo, catalogUrl, merged,
                catalogUserInfo);
    }

    /** The registry URL, or an error that says how to give it. */
    public String requireSchemaRegistryUrl() {
        if (schemaRegistryUrl == null) {
            throw new ConnectionException("no schema registry URL known: pass --schema-registry-url, set $"
                    + ConnectionOptions.ENV_REGISTRY + ", or start the platform with ./mint up");
        }
        return schemaRegistryUrl;
    }

    /** The registry client of this connection (shared per URL and credentials). */
    public SchemaRegistryClient registry() {
        return SchemaRegistryClients.fromUrl(requireSchemaRegistryUrl(), registryUserInfo);
    }

    public Optional<String> catalog() {
        return Optional.ofNullable(catalogUrl);
    }

    /**
     * The connection as flat settings: the five keys above and {@code kafka.*} for the pass-through properties, as
     * service configs ({@link ConnectionConfig}) and connection files take them.
     */
    public Map<String, String> toSettings() {
        Map<String, String> settings = new TreeMap<>();
        settings.put(BOOTSTRAP_SERVERS, bootstrapServers);
        putIfSet(settings, SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        putIfSet(settings, SCHEMA_REGISTRY_USER_INFO, registryUserInfo);
        putIfSet(settings, CATALOG_URL, catalogUrl);
        putIfSet(settings, CATALOG_USER_INFO, catalogUserInfo);
        kafkaProperties.forEach((k, v) -> settings.put(KAFKA_PREFIX + k, v));
        return Collections.unmodifiableMap(settings);
    }

    /** Whether a Kafka property carries a secret, by its name (passwords, keys, JAAS configs, tokens). */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.endsWith(".key") || k.contains("user.info") || k.contains("credentials");
    }

    @Override
    public String toString() {
        String kafka = kafkaProperties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? HIDDEN : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "PlatformConnection[" + BOOTSTRAP_SERVERS + "=" + bootstrapServers + ", " + SCHEMA_REGISTRY_URL + "="
                + schemaRegistryUrl + (registryUserInfo == null ? "" : ", registry credentials " + HIDDEN)
                + (catalogUrl == null ? "" : ", " + CATALOG_URL + "=" + catalogUrl)
                + (catalogUserInfo == null ? "" : ", catalog credentials " + HIDDEN) + ", kafka=" + kafka + "]";
    }

    private static void putIfSet(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
