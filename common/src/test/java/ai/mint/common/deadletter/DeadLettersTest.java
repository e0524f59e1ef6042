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

    @Test
    void shouldKeepABoundedPrefixAndTheCoordinatesOfAnOversizedRecord() {
        byte[] value = new byte[Topics.MAX_RECORD_BYTES + 1];
        new java.util.Random(7).nextBytes(value);
        byte[] hugeKey = new byte[DeadLetters.MAX_KEY_BYTES * 4];
        java.util.Arrays.fill(hugeKey, (byte) 'k');
        String longReason = "x".repeat(DeadLetters.MAX_REASON_CHARS * 3);

        DeadLetter letter = DeadLetters.of("id-3", T, new DeadLetters.Source("mint.rollout.results", 2, 991L,
                hugeKey, value), new String(hugeKey, java.nio.charset.StandardCharsets.UTF_8), "UNDESERIALIZABLE",
                longReason, "orchestrator");
        Serde<DeadLetter> serde = AvroSerdes.specific(DeadLetter.class, new InMemorySchemaRegistry());
        byte[] wire = serde.serializer().serialize(Topics.DEAD_LETTER.name(), letter);
        DeadLetter read = serde.deserializer().deserialize(Topics.DEAD_LETTER.name(), wire);

        assertThat(bytes(read.getValue())).isEqualTo(java.util.Arrays.copyOf(value, DeadLetters.DEFAULT_MAX_VALUE_BYTES));
        assertThat(read.getValueTruncatedFrom()).isEqualTo((long) value.length);
        assertThat(read.getSourceTopic()).isEqualTo("mint.rollout.results");
        assertThat(read.getSourcePartition()).isEqualTo(2);
        assertThat(read.getSourceOffset()).isEqualTo(991L);
        assertThat(bytes(read.getKey())).hasSize(DeadLetters.MAX_KEY_BYTES);
        assertThat(read.getPolicyId()).hasSize(DeadLetters.MAX_KEY_BYTES);
        assertThat(read.getReason().length()).isLessThan(DeadLetters.MAX_REASON_CHARS + 100);
        assertThat(read.getReason()).startsWith("xxx").endsWith(" characters)");
        // the whole dead letter, key included, fits far inside the bound the record it refuses broke
        assertThat(wire.length + DeadLetters.recordKey(read.getPolicyId()).length())
                .isLessThan(DeadLetters.DEFAULT_MAX_VALUE_BYTES + 8 * 1024);
    }

    @Test
    void shouldKeepAWholeValueUpToTheBoundAndHonourASmallerBound() {
        byte[] value = new byte[100];
        DeadLetters.Source source = new DeadLetters.Source("t", 0, 5L, null, value);

        DeadLetter whole = DeadLetters.of("a", T, source, "p", "E", "r", "app", 100);
        DeadLetter cut = DeadLetters.of("b", T, source, "p", "E", "r", "app", 10);

        assertThat(whole.getValue().remaining()).isEqualTo(100);
        assertThat(whole.getValueTruncatedFrom()).isNull();
        assertThat(cut.getValue().remaining()).isEqualTo(10);
        assertThat(cut.getValueTruncatedFrom()).isEqualTo(100L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeadLetters.of("c", T, source, "p", "E", "r", "app",
                DeadLetters.LIMIT_MAX_VALUE_BYTES + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxValueBytes");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
