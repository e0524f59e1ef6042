package ai.mint.serde;

import ai.mint.registry.SchemaRegistryClient;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes of the platform's Avro events in the Confluent wire format, for producers, consumers and Streams. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /** Value serde of a generated event class; reads any compatible writer schema into the class's schema. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryClient registry) {
        return specific(type, registry, false);
    }

    /** Serde of a generated event class, as key ({@code <topic>-key} subject) or value. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryClient registry,
                                                               boolean isKey) {
        AvroEventSerializer<T> serializer = new AvroEventSerializer<>(registry, isKey);
        return Serdes.serdeFrom(serializer, new AvroEventDeserializer<>(registry, type));
    }

    /** Value serde of GenericRecords: written with the record's schema, read in the writer's schema. */
    public static Serde<GenericRecord> generic(SchemaRegistryClient registry) {
        return Serdes.serdeFrom(new AvroEventSerializer<>(registry, false), new AvroEventDeserializer<>(registry, null));
    }
}
