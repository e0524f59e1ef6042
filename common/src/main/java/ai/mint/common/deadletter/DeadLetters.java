package ai.mint.common.deadletter;

import ai.mint.events.DeadLetter;
import ai.mint.topics.Topics;
import io.micrometer.core.instrument.Metrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Builds the {@link DeadLetter} for a record an app refuses: where the record was read, its raw bytes, and why. Every
 * app that dead-letters (catalog, orchestrator, workers) builds them here, so the fields mean the same everywhere.
 * A dead letter is bounded whatever it refuses: it keeps at most {@code maxValueBytes} of the value (64 KiB by
 * default) and records the value's full size in {@code value_truncated_from}, so a refused record near the topics'
 * size bound never yields a dead letter above it (which the producer would refuse in turn). Keys, policy ids and
 * reasons are bounded too. The event id and time stay the caller's choice: stream apps derive both from the input so
 * that a replay yields the same dead letters, while a worker stamps the moment it refused.
 * Every dead letter built here is counted in {@value #METRIC} (Prometheus {@code mint_dead_letters_total}) by source
 * topic and reason (the error class, without its package), in Micrometer's global registry, which each service's
 * {@link ai.mint.common.metrics.ServiceMetrics} joins.
 */
public final class DeadLetters {

    /** Bytes of a refused value a dead letter keeps unless configured otherwise. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 64 * 1024;
    /** The most any configuration may keep: half the record bound leaves room for everything else. */
    public static final int LIMIT_MAX_VALUE_BYTES = Topics.MAX_RECORD_BYTES / 2;
    /** Bytes of a refused key a dead letter keeps (keys are policy ids, far shorter). */
    public static final int MAX_KEY_BYTES = 1024;
    /** Characters of a reason a dead letter keeps. */
    public static final int MAX_REASON_CHARS = 4096;

    /** The meter counting dead letters, tagged {@code source_topic} and {@code reason}. */
    public static final String METRIC = "mint.dead.letters";
    /** Characters of a reason label: error classes and rule names, never free text. */
    private static final int MAX_REASON_LABEL = 64;

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

    /** A dead letter keeping at most {@link #DEFAULT_MAX_VALUE_BYTES} of the value. */
    public static DeadLetter of(String eventId, Instant time, Source source, String policyId, String errorClass,
                                String reason, String app) {
        return of(eventId, time, source, policyId, errorClass, reason, app, DEFAULT_MAX_VALUE_BYTES);
    }

    /**
     * @param eventId       the dead letter's own id
     * @param time          when it is produced
     * @param policyId      the refused record's policy (its key) when known; null becomes empty
     * @param errorClass    what kind of error refused it (an exception class or a rule name)
     * @param reason        what exactly was wrong, for a person reading the dead-letter topic
     * @param app           the app (or worker) that refused it
     * @param maxValueBytes most bytes of the value to keep, 0 to {@link #LIMIT_MAX_VALUE_BYTES}
     */
    public static DeadLetter of(String eventId, Instant time, Source source, String policyId, String errorClass,
                                String reason, String app, int maxValueBytes) {
        Objects.requireNonNull(source, "source");
        if (maxValueBytes < 0 || maxValueBytes > LIMIT_MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("maxValueBytes must be 0.." + LIMIT_MAX_VALUE_BYTES + ", got "
                    + maxValueBytes);
        }
        byte[] value = source.value();
        boolean truncated = value != null && value.length > maxValueBytes;
        byte[] key = source.key();
        String why = key != null && key.length > MAX_KEY_BYTES
                ? reason + " (key of " + key.length + " bytes, first " + MAX_KEY_BYTES + " kept)" : reason;
        count(source.topic(), errorClass);
        return DeadLetter.newBuilder()
                .setEventId(eventId)
                .setPolicyId(policyId == null ? "" : recordKey(policyId))
                .setTime(time)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setKey(key == null ? null : ByteBuffer.wrap(prefix(key, MAX_KEY_BYTES)))
                .setValue(value == null ? null : ByteBuffer.wrap(prefix(value, maxValueBytes)))
                .setValueTruncatedFrom(truncated ? (long) value.length : null)
                .setErrorClass(errorClass)
                .setReason(bounded(why == null ? errorClass : why, MAX_REASON_CHARS))
                .setApp(app)
                .build();
    }

    /** Counts one dead letter; labels stay bounded: platform topics by name, error classes without packages. */
    private static void count(String topic, String errorClass) {
        String topicLabel = Topics.byName(topic).isPresent() ? topic : "other";
        String reason = errorClass == null || errorClass.isBlank() ? "unknown"
                : errorClass.substring(Math.max(errorClass.lastIndexOf('.'), errorClass.lastIndexOf('$')) + 1);
        if (reason.length() > MAX_REASON_LABEL) {
            reason = reason.substring(0, MAX_REASON_LABEL);
        }
        Metrics.counter(METRIC, "source_topic", topicLabel, "reason", reason).increment();
    }

    /** A string key's raw bytes as the String serializer wrote them (UTF-8); null for no key. */
    public static byte[] keyBytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The Kafka key to publish a dead letter under: the refused record's key (empty when it had none), cut to
     * {@link #MAX_KEY_BYTES} so that an oversized key cannot make the dead letter oversized.
     */
    public static String recordKey(String sourceKey) {
        if (sourceKey == null) {
            return "";
        }
        byte[] bytes = keyBytes(sourceKey);
        return bytes.length <= MAX_KEY_BYTES ? sourceKey
                : new String(prefix(bytes, MAX_KEY_BYTES), StandardCharsets.UTF_8);
    }

    private static byte[] prefix(byte[] bytes, int max) {
        return bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
    }

    private static String bounded(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + " ... (" + text.length() + " characters)";
    }
}
