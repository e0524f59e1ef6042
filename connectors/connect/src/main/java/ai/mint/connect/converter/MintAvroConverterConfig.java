package ai.mint.connect.converter;

import ai.mint.common.connection.PlatformConnection;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.Map;

/** Settings of {@link MintAvroConverter}, given as {@code value.converter.*} (or {@code key.converter.*}). */
public final class MintAvroConverterConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;
    private static final String SCHEMA_REGISTRY_URL_DOC = "Confluent-API base URL of the schema registry, as "
            + "`./mint up` prints it (http://127.0.0.1:PORT/apis/ccompat/v7); mock://NAME for an in-memory one.";
    public static final String USER_INFO = PlatformConnection.SCHEMA_REGISTRY_USER_INFO;
    private static final String USER_INFO_DOC = "USER:PASSWORD sent to the registry as basic auth; empty for none.";
    public static final String PLATFORM_SCHEMAS = "mint.platform.schemas";
    private static final String PLATFORM_SCHEMAS_DOC = "Write records to the platform's own topics (ai.mint.topics."
            + "Topics) in the topic's event schema, fields matched by name, so that events a connector writes carry "
            + "exactly the schema every platform consumer reads; false derives the Avro schema from the Connect "
            + "schema on every topic.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(USER_INFO, Type.PASSWORD, "", Importance.MEDIUM, USER_INFO_DOC)
            .define(PLATFORM_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM, PLATFORM_SCHEMAS_DOC);

    public final String schemaRegistryUrl;
    public final String userInfo;
    public final boolean platformSchemas;

    public MintAvroConverterConfig(Map<String, ?> configs) {
        super(DEFINITION, configs);
        this.schemaRegistryUrl = getString(SCHEMA_REGISTRY_URL);
        String user = getPassword(USER_INFO).value();
        this.userInfo = user.isBlank() ? null : user;
        this.platformSchemas = getBoolean(PLATFORM_SCHEMAS);
    }
}
