package ai.mint.streams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serdes of the stream apps' own state (store values and their changelogs, readable with any consumer): Jackson
 * over records, unknown properties ignored so that a newer app can add fields without breaking the stores it restores.
 */
public final class JsonSerde {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JsonSerde() {
    }

    /** A serde of {@code type}; {@code what} names the value in errors (e.g. "loop state"). */
    public static <T> Serde<T> of(Class<T> type, String what) {
        Serializer<T> ser = (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + what + ": " + e.getMessage(), e);
            }
        };
        Deserializer<T> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return JSON.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("cannot read " + what + ": " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
