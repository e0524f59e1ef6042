package ai.mint.catalog.internal;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.ids.EventIds;
import ai.mint.events.DeadLetter;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The catalog's dead letter for the record a processor is handling now: source from the record metadata, id derived
 * from that source and time from the input, so that a replay produces the same dead letters; the value is bounded by
 * the app's {@value DecodeConfig#DEAD_LETTER_MAX_VALUE_BYTES} setting.
 */
final class SourceDeadLetters {

    private SourceDeadLetters() {
    }

    /**
     * @param context   the processor's context; its record metadata names the source topic, partition and offset
     * @param policyId  the record's key, or empty when it has none
     * @param timestamp the input record's timestamp, so that replays produce the same dead letter
     */
    static DeadLetter of(ProcessingContext context, String policyId, byte[] rawKey, byte[] rawValue,
                         Rejection rejection, String appName, long timestamp) {
        RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("dead letters are built while processing an input record"));
        return DeadLetters.of(EventIds.ofSource(source.topic(), source.partition(), source.offset()),
                Instant.ofEpochMilli(timestamp),
                new DeadLetters.Source(source.topic(), source.partition(), source.offset(), rawKey, rawValue),
                policyId, rejection.errorClass(), rejection.reason(), appName,
                DecodeConfig.deadLetterMaxValueBytes(context.appConfigs()));
    }
}
