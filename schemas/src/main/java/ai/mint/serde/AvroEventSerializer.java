package ai.mint.serde;

import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.topics.Topics;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format, registering the record's schema under
 * {@link Topics#valueSubject} ({@code <topic>-value}; per record type on a topic of several) or
 * {@code <topic>-key} for keys first. Built either with a registry client, or by Kafka from
 * its class name with {@value AvroSerdeConfig#SCHEMA_REGISTRY_URL} in the configs.
 */
public class AvroEventSerializer<T extends IndexedRecord> implements Serializer<T> {

    private SchemaRegistryClient registry;
    private boolean isKey;
    private final Map<Object, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka: the registry comes from {@link #configure}. */
    public AvroEventSerializer() {
    }

    public AvroEventSerializer(SchemaRegistryClient registry) {
        this(registry, false);
    }

    public AvroEventSerializer(SchemaRegistryClient registry, boolean isKey) {
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            registry = SchemaRegistryClients.fromUrl(new AvroSerdeConfig(configs).schemaRegistryUrl);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null; // a tombstone on compacted topics
        }
        if (registry == null) {
            throw new IllegalStateException("AvroEventSerializer is not configured: set "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient");
        }
        int id = registry.register(isKey ? topic + "-key" : Topics.valueSubject(topic, data.getSchema().getFullName()),
                data.getSchema());
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(data).write(data, encoder);
            encoder.flush();
            return WireFormat.frame(id, out.toByteArray());
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + data.getSchema().getFullName() + " to topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    private DatumWriter<T> writerFor(T data) {
        if (data instanceof SpecificRecord) {
            // the generated class's model carries its logical-type conversions (Instant for timestamp-millis)
            return writers.computeIfAbsent(data.getClass(),
                    type -> new SpecificDatumWriter<>(data.getSchema(), SpecificData.getForClass(data.getClass())));
        }
        return writers.computeIfAbsent(data.getSchema(),
                schema -> new GenericDatumWriter<>(data.getSchema(), GenericData.get()));
    }
}
