package ai.mint.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format every Kafka tool decodes: magic byte 0, the schema's registry id as 4 bytes big-endian,
 * then the Avro binary encoding of the record.
 */
public final class WireFormat {

    /** The first byte of every framed event. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** Frames an Avro body with the schema id. */
    public static byte[] frame(int schemaId, byte[] avroBody) {
        return ByteBuffer.allocate(HEADER_LENGTH + avroBody.length)
                .put(MAGIC_BYTE).putInt(schemaId).put(avroBody).array();
    }

    /**
     * The schema id of a framed event.
     *
     * @throws MalformedEventException when the data is too short or does not start with the magic byte
     */
    public static int schemaId(String topic, byte[] data) {
        if (data == null || data.length < HEADER_LENGTH) {
            throw new MalformedEventException(topic, "too short for the Confluent wire format (needs at least "
                    + HEADER_LENGTH + " bytes: magic byte 0 and a 4-byte schema id)", data, null);
        }
        if (data[0] != MAGIC_BYTE) {
            throw new MalformedEventException(topic, String.format("wrong magic byte 0x%02x (expected 0x00: not"
                    + " written by a schema-registry Avro serializer)", data[0]), data, null);
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }
}
