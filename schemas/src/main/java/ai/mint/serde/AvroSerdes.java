package ai.mint.serde;

import ai.mint.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
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

    /**
     * Plain Avro binary of a generated record: no wire-format header, no schema id, so it depends only on the content
     * (digests of stores, size limits).
     */
    public static byte[] plainBinary(SpecificRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForClass(record.getClass()))
                    .write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #plainBinary} wrote, in the schema compiled into {@code type}. */
    public static <T extends SpecificRecord> T fromPlainBinary(byte[] bytes, Class<T> type) {
        try {
            return new org.apache.avro.specific.SpecificDatumReader<>(type)
                    .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot read a " + type.getSimpleName() + " from "
                    + bytes.length + " bytes of plain Avro: " + e.getMessage(), e));
        }
    }

    /** Value serde of GenericRecords: written with the record's schema, read in the writer's schema. */
    public static Serde<GenericRecord> generic(SchemaRegistryClient registry) {
        return Serdes.serdeFrom(new AvroEventSerializer<>(registry, false), new AvroEventDeserializer<>(registry, null));
    }
}
