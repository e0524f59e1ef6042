package ai.mint.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes on a topic that are not a readable event in the Confluent wire format. The message names the topic, what
 * was wrong and the first bytes in hex, which is what one needs to find the producer that wrote them.
 */
public class MalformedEventException extends SerializationException {

    private static final int SHOWN_BYTES = 16;

    public MalformedEventException(String topic, String problem, byte[] data, Throwable cause) {
        super("malformed event on topic " + topic + ": " + problem + "; " + describe(data), cause);
    }

    /** {@code N bytes: 00 00 00 00 07 ...} for the first bytes of the data. */
    static String describe(byte[] data) {
        if (data == null) {
            return "no bytes (null)";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(data.length, SHOWN_BYTES); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", data[i]));
        }
        return data.length + " bytes: " + hex + (data.length > SHOWN_BYTES ? " ..." : "");
    }
}
