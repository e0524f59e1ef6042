package ai.mint.orchestration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** JSON serde of {@link LoopState} for the orchestrator's store and its changelog (readable with any consumer). */
public final class LoopStateSerde {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LoopStateSerde() {
    }

    public static Serde<LoopState> serde() {
        Serializer<LoopState> ser = (topic, state) -> {
            if (state == null) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(state);
            } catch (IOException e) {
                throw new SerializationException("cannot write loop state of " + state.policyId(), e);
            }
        };
        Deserializer<LoopState> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return JSON.readValue(bytes, LoopState.class);
            } catch (IOException e) {
                throw new SerializationException("cannot read loop state: " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
