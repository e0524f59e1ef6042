package ai.mint.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.DeadLetter;
import ai.mint.registry.InMemorySchemaRegistry;
import ai.mint.serde.AvroSerdes;
import ai.mint.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Instant T = Instant.parse("2026-01-31T12:00:00Z");

    @Test
    void shouldCarryTheSourceAndReasonThroughTheWireFormat() {
        byte[] key = DeadLetters.keyBytes("pölicy-1");
        byte[] value = {0, 1, 2, (byte) 0xff};
        DeadLetter letter = DeadLetters.of("id-1", T, new DeadLetters.Source("mint.update.requests", 3, 42L, key, value),
                "pölicy-1", "KEY_MISMATCH", "record key is not its policy_id", "worker-7");

        Serde<DeadLetter> serde = AvroSerdes.specific(DeadLetter.class, new InMemorySchemaRegistry());
        DeadLetter read = serde.deserializer().deserialize(Topics.DEAD_LETTER.name(),
                serde.serializer().serialize(Topics.DEAD_LETTER.name(), letter));

        assertThat(read.getEventId()).isEqualTo("id-1");
        assertThat(read.getTime()).isEqualTo(T);
        assertThat(read.getSourceTopic()).isEqualTo("mint.update.requests");
        assertThat(read.getSourcePartition()).isEqualTo(3);
        assertThat(read.getSourceOffset()).isEqualTo(42L);
        assertThat(bytes(read.getKey())).isEqualTo(new StringSerializer().serialize("t", "pölicy-1"));
        assertThat(bytes(read.getValue())).isEqualTo(value);
        assertThat(read.getPolicyId()).isEqualTo("pölicy-1");
        assertThat(read.getErrorClass()).isEqualTo("KEY_MISMATCH");
        assertThat(read.getReason()).isEqualTo("record key is not its policy_id");
        assertThat(read.getApp()).isEqualTo("worker-7");
    }

    @Test
    void shouldLeaveAbsentKeyAndValueNullAndUnknownPolicyEmpty() {
        DeadLetter letter = DeadLetters.of("id-2", T, new DeadLetters.Source("t", 0, 0L, null, null),
                null, "Rejected", "no value", "app");

        assertThat(letter.getKey()).isNull();
        assertThat(letter.getValue()).isNull();
        assertThat(letter.getPolicyId()).isEmpty();
        assertThat(DeadLetters.keyBytes(null)).isNull();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
