package ai.mint.streams;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.Failures;
import ai.mint.common.ids.EventIds;
import ai.mint.events.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** The dead letter of the input record an exception handler skips, from the handler's view of that record. */
final class HandlerDeadLetters {

    private HandlerDeadLetters() {
    }

    static DeadLetter of(ErrorHandlerContext context, Map<String, ?> configs, String what, Exception failure) {
        String topic = context.topic() == null ? "?" : context.topic();
        byte[] key = context.sourceRawKey();
        String policy = key == null ? null : new String(key, StandardCharsets.UTF_8);
        Object app = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        return DeadLetters.of(EventIds.ofSource(topic, context.partition(), context.offset()),
                Instant.ofEpochMilli(Math.max(0, context.timestamp())),
                new DeadLetters.Source(topic, context.partition(), context.offset(), key, context.sourceRawValue()),
                policy, failure.getClass().getName(), what + ": " + Failures.describe(failure),
                app == null ? "?" : app.toString(), DecodeConfig.deadLetterMaxValueBytes(configs));
    }
}
