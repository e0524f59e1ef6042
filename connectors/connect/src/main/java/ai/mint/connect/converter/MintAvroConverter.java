package ai.mint.connect.converter;

import ai.mint.registry.RegistryUnavailableException;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.serde.MalformedEventException;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;

import java.util.Map;

/**
 * A Kafka Connect {@link Converter} for the Confluent wire format (magic byte, schema id, Avro body) over the
 * project's registry client, so that any connector reads and writes the platform's Avro topics against any
 * Confluent-API registry (Apicurio here). Reading, the writer's schema comes from the registry by id and the record
 * becomes Connect data ({@link AvroConnectData}). Writing, a record for one of the platform's topics is written in
 * that topic's event schema (so consumers see no new schema version), any other in the schema derived from its
 * Connect schema; the schema is registered under {@code <topic>-value} ({@code -key} for keys). A registry outage is
 * a {@link RetriableException}; bytes that are not an event of the wire format a {@link DataException} naming why.
 */
public class MintAvroConverter implements Converter {

    private final AvroConnectData data = new AvroConnectData();
    private SchemaRegistryClient registry;
    private boolean platformSchemas;
    private boolean isKey;
    private AvroEventSerializer<IndexedRecord> serializer;
    private AvroEventDeserializer<GenericRecord> deserializer;

    /** For Connect: the registry comes from {@link #configure}. */
    public MintAvroConverter() {
    }

    /** With a registry client of one's own (tests, benchmarks). */
    public MintAvroConverter(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        MintAvroConverterConfig config = new MintAvroConverterConfig(configs);
        if (registry == null) {
            registry = SchemaRegistryClients.fromUrl(config.schemaRegistryUrl, config.userInfo);
        }
        platformSchemas = config.platformSchemas;
        this.isKey = isKey;
        serializer = new AvroEventSerializer<>(registry, isKey);
        deserializer = new AvroEventDeserializer<>(registry, null);
    }

    @Override
    public ConfigDef config() {
        return MintAvroConverterConfig.DEFINITION;
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        requireConfigured();
        if (value == null) {
            return null; // a tombstone stays a tombstone
        }
        if (schema == null) {
            throw new DataException("topic " + topic + ": a record without a Connect schema cannot be written as Avro"
                    + " (the connector must give a value schema)");
        }
        org.apache.avro.Schema target = platformSchemas && !isKey
                ? Topics.byName(topic).map(TopicTypes::valueSchema).orElse(null) : null;
        if (target == null) {
            target = data.toAvroSchema(schema);
        }
        Object avro = data.toAvroValue(schema, value, target);
        if (!(avro instanceof IndexedRecord record)) {
            throw new DataException("topic " + topic + ": only records (Connect structs) are written as events, got "
                    + schema.type());
        }
        try {
            return serializer.serialize(topic, record);
        } catch (RegistryUnavailableException e) {
            throw new RetriableException("topic " + topic + ": the schema registry is unavailable: "
                    + e.getMessage(), e);
        } catch (SerializationException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        requireConfigured();
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        GenericRecord record;
        try {
            record = deserializer.deserialize(topic, value);
        } catch (RegistryUnavailableException e) {
            throw new RetriableException("topic " + topic + ": the schema registry is unavailable: "
                    + e.getMessage(), e);
        } catch (MalformedEventException e) {
            throw new DataException(e.getMessage(), e);
        }
        Schema schema = data.toConnectSchema(record.getSchema());
        return new SchemaAndValue(schema, data.toConnectValue(record.getSchema(), record));
    }

    private void requireConfigured() {
        if (serializer == null) {
            throw new IllegalStateException("MintAvroConverter is not configured: Connect calls configure() first");
        }
    }
}
