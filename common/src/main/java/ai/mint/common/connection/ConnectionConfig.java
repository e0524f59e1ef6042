package ai.mint.common.connection;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * The connection part of every service's settings ({@code ConfigDef}): the same keys, docs and checks for the catalog,
 * the orchestrator and the worker, and the way back from settings to a {@link PlatformConnection}. Commands fill these
 * keys from {@link ConnectionOptions}; programs and tests may put them in the settings map directly.
 */
public final class ConnectionConfig {

    /** How {@code --list-settings} explains the pass-through prefix, which a ConfigDef cannot define. */
    public static final String KAFKA_PREFIX_DOC = PlatformConnection.KAFKA_PREFIX + "<any Kafka client property>: "
            + "passed to every Kafka client of the service (e.g. kafka.security.protocol=SASL_SSL); on the command "
            + "line --kafka KEY=VALUE or --kafka-config FILE.";

    private static final Set<String> KEYS = Set.of(PlatformConnection.BOOTSTRAP_SERVERS,
            PlatformConnection.SCHEMA_REGISTRY_URL, PlatformConnection.SCHEMA_REGISTRY_USER_INFO,
            PlatformConnection.CATALOG_URL, PlatformConnection.CATALOG_USER_INFO);

    private ConnectionConfig() {
    }

    /** Adds the connection keys to a service's definition. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(PlatformConnection.BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(), Importance.HIGH, "Kafka brokers (host:port,...); on the "
                                + "command line --bootstrap-servers, $" + ConnectionOptions.ENV_BOOTSTRAP
                                + " or the connection file.")
                .define(PlatformConnection.SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(), Importance.HIGH, "Schema registry speaking the Confluent "
                                + "REST API (mock://NAME for an in-process registry); on the command line "
                                + "--schema-registry-url, $" + ConnectionOptions.ENV_REGISTRY
                                + " or the connection file.")
                .define(PlatformConnection.SCHEMA_REGISTRY_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                        "USER:PASSWORD sent to the registry as HTTP basic auth; none when empty. On the command "
                                + "line $" + ConnectionOptions.ENV_REGISTRY_USER_INFO + " or this key in the "
                                + "--kafka-config file.")
                .define(PlatformConnection.CATALOG_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                        "USER:PASSWORD sent to the catalog's query API as HTTP basic auth; none when empty. On the "
                                + "command line $" + ConnectionOptions.ENV_CATALOG_USER_INFO + " or this key in the "
                                + "--kafka-config file.");
    }

    /** The connection the settings name, with every {@code kafka.*} setting as a pass-through property. */
    public static PlatformConnection connection(AbstractConfig config) {
        Password userInfo = config.getPassword(PlatformConnection.SCHEMA_REGISTRY_USER_INFO);
        Password catalogUserInfo = config.getPassword(PlatformConnection.CATALOG_USER_INFO);
        Object catalog = config.originals().get(PlatformConnection.CATALOG_URL);
        Map<String, String> kafka = new java.util.TreeMap<>();
        config.originalsWithPrefix(PlatformConnection.KAFKA_PREFIX).forEach((k, v) -> kafka.put(k, String.valueOf(v)));
        return new PlatformConnection(config.getString(PlatformConnection.BOOTSTRAP_SERVERS),
                config.getString(PlatformConnection.SCHEMA_REGISTRY_URL), userInfo == null ? null : userInfo.value(),
                catalog == null ? null : catalog.toString(), kafka,
                catalogUserInfo == null ? null : catalogUserInfo.value());
    }

    /** Whether a setting belongs to the connection layer (its own keys and the {@code kafka.} prefix). */
    public static boolean isConnectionKey(String key) {
        return KEYS.contains(key) || key.startsWith(PlatformConnection.KAFKA_PREFIX);
    }
}
