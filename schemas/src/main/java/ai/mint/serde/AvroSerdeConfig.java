package ai.mint.serde;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

import java.util.Map;

/** Settings of the serdes when Kafka builds them by class name (producer, consumer and Streams properties). */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_URL_DOC = "Confluent-API base URL of the schema registry, e.g."
            + " http://127.0.0.1:8081/apis/ccompat/v7 as printed by `./mint up`; mock://NAME for an in-memory one.";

    public static final String SPECIFIC_TYPE = "mint.avro.specific.type";
    public static final String SPECIFIC_TYPE_DOC = "Generated Avro class to read values into (e.g."
            + " ai.mint.events.RolloutRequest); empty reads GenericRecords in the writer's schema.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(), ConfigDef.Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(SPECIFIC_TYPE, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM, SPECIFIC_TYPE_DOC);

    public final String schemaRegistryUrl;
    public final String specificType;

    public AvroSerdeConfig(Map<String, ?> configs) {
        super(DEFINITION, configs, false);
        this.schemaRegistryUrl = getString(SCHEMA_REGISTRY_URL);
        this.specificType = getString(SPECIFIC_TYPE);
    }
}
