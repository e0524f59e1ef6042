package ai.mint.streams;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.ids.EventIds;
import ai.mint.events.DeadLetter;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A stream processor's dead letter for the input record it is handling now: the source (topic, partition, offset)
 * from the record metadata, the id derived from that source and the time from the input, so that a replay produces
 * the same dead letter; the value kept is bounded by the app's {@value DecodeConfig#DEAD_LETTER_MAX_VALUE_BYTES}.
 */
public final class StreamDeadLetters {

    private StreamDeadLetters() {
    }

    /**
     * @param key       the input record's key (null when it has none)
     * @param value     the input record's value bytes
     * @param timestamp the input record's timestamp
     */
    public static DeadLetter of(ProcessingContext context, String key, byte[] value, long timestamp,
                                String errorClass, String reason, String appName) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        return DeadLetters.of(EventIds.ofSource(topic, partition, offset), Instant.ofEpochMilli(timestamp),
                new DeadLetters.Source(topic, partition, offset, DeadLetters.keyBytes(key), value),
                DeadLetters.recordKey(key), errorClass, reason == null ? errorClass : reason, appName,
                DecodeConfig.deadLetterMaxValueBytes(context.appConfigs()));
    }
}
