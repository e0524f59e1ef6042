package ai.mint.serde;

import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.registry.UnknownSchemaIdException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads events in the Confluent wire format. The writer's schema comes from the registry by the id in the bytes;
 * the record is resolved into the generated class's schema (Avro schema resolution: fields added since get their
 * defaults), or read as a GenericRecord in the writer's schema when no class is given. A topic that carries records of
 * several types (a reply topic: chunks, then the response) is read with {@link #oneOf}: the writer schema's name picks
 * the class, and a record of any other type is malformed there. Bytes that cannot be read give
 * a {@link MalformedEventException}; an unreachable registry gives a
 * {@link ai.mint.registry.RegistryUnavailableException} (retriable, unlike bad bytes).
 */
public class AvroEventDeserializer<T extends IndexedRecord> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    private Class<? extends SpecificRecord> specificType;
    /** {@link #oneOf}'s classes by their schema's full name; null when reading one type. */
    private Map<String, Class<? extends SpecificRecord>> typesByName;
    private final Map<Integer, DatumReader<T>> readersBySchemaId = new ConcurrentHashMap<>();

    /** For Kafka: the registry and the class come from {@link #configure}. */
    public AvroEventDeserializer() {
    }

    /**
     * @param specificType generated class to read into; {@code null} reads GenericRecords
     */
    public AvroEventDeserializer(SchemaRegistryClient registry, Class<? extends SpecificRecord> specificType) {
        this.registry = registry;
        this.specificType = specificType;
    }

    /**
     * Reads records of any of {@code types}, each into its own class, chosen by the name of the schema it was written
     * with (the schema id in the bytes).
     */
    public static AvroEventDeserializer<SpecificRecord> oneOf(SchemaRegistryClient registry,
                                                              List<Class<? extends SpecificRecord>> types) {
        AvroEventDeserializer<SpecificRecord> deserializer = new AvroEventDeserializer<>(registry, null);
        deserializer.typesByName = new LinkedHashMap<>();
        for (Class<? extends SpecificRecord> type : types) {
            deserializer.typesByName.put(SpecificData.getForClass(type).getSchema(type).getFullName(), type);
        }
        return deserializer;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (registry == null) {
            registry = SchemaRegistryClients.fromUrl(config.schemaRegistryUrl);
        }
        if (specificType == null && !config.specificType.isBlank()) {
            specificType = loadSpecificType(config.specificType);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroEventDeserializer is not configured: set "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient");
        }
        int id = WireFormat.schemaId(topic, data);
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (UnknownSchemaIdException e) {
            throw new MalformedEventException(topic, "unknown schema id " + id + " (" + e.getMessage() + ")", data, e);
        }
        if (typesByName != null && !typesByName.containsKey(writerSchema.getFullName())) {
            throw new MalformedEventException(topic, "schema id " + id + " is a " + writerSchema.getFullName()
                    + ", not one of the types this topic carries " + typesByName.keySet(), data, null);
        }
        DatumReader<T> reader = readersBySchemaId.computeIfAbsent(id, i -> readerFor(writerSchema));
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new MalformedEventException(topic, "Avro body does not decode as " + describe(writerSchema, id)
                    + ": " + e, data, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new MalformedEventException(topic, "bytes left over after decoding " + describe(writerSchema, id)
                        + " (the schema id does not match the data)", data, null);
            }
        } catch (IOException e) {
            throw new MalformedEventException(topic, "cannot check the end of the Avro body", data, e);
        }
        return record;
    }

    private String describe(Schema writerSchema, int id) {
        Class<? extends SpecificRecord> type = typesByName != null ? typesByName.get(writerSchema.getFullName())
                : specificType;
        String target = type == null ? "" : " read into " + type.getName();
        return writerSchema.getFullName() + " (schema id " + id + ")" + target;
    }

    private DatumReader<T> readerFor(Schema writerSchema) {
        Class<? extends SpecificRecord> type = typesByName != null ? typesByName.get(writerSchema.getFullName())
                : specificType;
        if (type == null) {
            return new GenericDatumReader<>(writerSchema, writerSchema, GenericData.get());
        }
        SpecificData model = SpecificData.getForClass(type);
        return new SpecificDatumReader<>(writerSchema, model.getSchema(type), model);
    }

    private static Class<? extends SpecificRecord> loadSpecificType(String className) {
        try {
            Class<?> type = Class.forName(className, true, AvroEventDeserializer.class.getClassLoader());
            if (!SpecificRecord.class.isAssignableFrom(type)) {
                throw new ConfigException(AvroSerdeConfig.SPECIFIC_TYPE, className,
                        "not a generated Avro SpecificRecord class");
            }
            return type.asSubclass(SpecificRecord.class);
        } catch (ClassNotFoundException e) {
            throw new ConfigException(AvroSerdeConfig.SPECIFIC_TYPE, className, "no such class on the classpath");
        }
    }
}
