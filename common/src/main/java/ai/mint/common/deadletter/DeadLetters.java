package ai.mint.common.deadletter;

import ai.mint.events.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * Builds the {@link DeadLetter} for a record an app refuses: where the record was read, its raw bytes, and why. Every
 * app that dead-letters (catalog, orchestrator, workers) builds them here, so the fields mean the same everywhere.
 * The event id and time stay the caller's choice: stream apps derive both from the input so that a replay yields the
 * same dead letters, while a worker stamps the moment it refused.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    /**
     * Where a refused record was read, with its raw key and value exactly as read (either may be null).
     *
     * @param topic     topic it was read from
     * @param partition partition it was read from
     * @param offset    offset it was read at
     */
    public record Source(String topic, int partition, long offset, byte[] key, byte[] value) {

        public Source {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /**
     * @param eventId    the dead letter's own id
     * @param time       when it is produced
     * @param policyId   the refused record's policy (its key) when known; null becomes empty
     * @param errorClass what kind of error refused it (an exception class or a rule name)
     * @param reason     what exactly was wrong, for a person reading the dead-letter topic
     * @param app        the app (or worker) that refused it
     */
    public static DeadLetter of(String eventId, Instant time, Source source, String policyId, String errorClass,
                                String reason, String app) {
        Objects.requireNonNull(source, "source");
        return DeadLetter.newBuilder()
                .setEventId(eventId)
                .setPolicyId(policyId == null ? "" : policyId)
                .setTime(time)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
                .setValue(source.value() == null ? null : ByteBuffer.wrap(source.value()))
                .setErrorClass(errorClass)
                .setReason(reason)
                .setApp(app)
                .build();
    }

    /** A string key's raw bytes as the String serializer wrote them (UTF-8); null for no key. */
    public static byte[] keyBytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }
}
