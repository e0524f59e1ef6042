package ai.mint.serde;

import ai.mint.events.PolicySpec;
import ai.mint.events.RolloutRequest;
import ai.mint.registry.InMemorySchemaRegistry;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MalformedEventTest {

    private static final String TOPIC = Topics.POLICY_SPECS.name();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Deserializer<PolicySpec> deserializer =
            AvroSerdes.specific(PolicySpec.class, registry).deserializer();

    private byte[] validEvent() {
        SpecificRecord sample = SampleEvents.sample(Topics.POLICY_SPECS, "policy-a");
        return new AvroEventSerializer<>(registry).serialize(TOPIC, sample);
    }

    @Test
    void shouldRejectBytesTooShortForTheHeader() {
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {0, 0, 1}))
                .isInstanceOf(MalformedEventException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic " + TOPIC)
                .hasMessageContaining("too short")
                .hasMessageContaining("3 bytes: 00 00 01");
    }

    @Test
    void shouldRejectAWrongMagicByte() {
        byte[] json = "{\"policy_id\":\"p\"}".getBytes();
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, json))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("wrong magic byte 0x7b")
                .hasMessageContaining("7b 22 70 6f");
    }

    @Test
    void shouldRejectAnUnknownSchemaId() {
        byte[] event = validEvent();
        event[4] = 99; // schema id 99 was never registered
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, event))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("unknown schema id 99")
                .hasMessageContaining("00 00 00 00 63");
    }

    @Test
    void shouldRejectATruncatedAvroBody() {
        byte[] event = validEvent();
        byte[] truncated = Arrays.copyOf(event, event.length / 2);
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, truncated))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("Avro body does not decode as ai.mint.events.PolicySpec (schema id 1)")
                .hasMessageContaining(truncated.length + " bytes: 00 00 00 00 01");
    }

    @Test
    void shouldRejectBytesLeftOverAfterTheRecord() {
        byte[] event = validEvent();
        byte[] padded = Arrays.copyOf(event, event.length + 3);
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, padded))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("bytes left over");
    }

    @Test
    void shouldRejectAnEventOfAnotherRecordType() {
        byte[] rollout = new AvroEventSerializer<>(registry)
                .serialize(Topics.ROLLOUT_REQUESTS.name(), SampleEvents.sample(Topics.ROLLOUT_REQUESTS, "p"));
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, rollout))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(RolloutRequest.class.getName())
                .hasMessageContaining("read into " + PolicySpec.class.getName());
    }
}
