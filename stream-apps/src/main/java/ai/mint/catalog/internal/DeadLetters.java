package ai.mint.catalog.internal;

import ai.mint.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds the dead letter of the record a processor is handling now, with where it came from and why it was refused. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /**
     * @param context   the processor's context; its record metadata names the source topic, partition and offset
     * @param policyId  the record's key, or empty when it has none
     * @param timestamp the input record's timestamp, so that replays produce the same dead letter
     */
    public static DeadLetter of(ProcessingContext context, String policyId, byte[] rawKey, byte[] rawValue,
                                Rejection rejection, String appName, long timestamp) {
        RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("dead letters are built while processing an input record"));
        return DeadLetter.newBuilder()
                .setEventId(DerivedIds.ofSource(source.topic(), source.partition(), source.offset()))
                .setPolicyId(policyId == null ? "" : policyId)
                .setTime(Instant.ofEpochMilli(timestamp))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setKey(rawKey == null ? null : ByteBuffer.wrap(rawKey))
                .setValue(rawValue == null ? null : ByteBuffer.wrap(rawValue))
                .setErrorClass(rejection.errorClass())
                .setReason(rejection.reason())
                .setApp(appName)
                .build();
    }
}
