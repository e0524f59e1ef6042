package ai.mint.common.decode;

import ai.mint.common.deadletter.DeadLetters;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of the decode and dead-letter path, the same in every service's definition: how long a registry
 * failure is retried in place, and how much of a refused record its dead letter keeps. Read from a service config's
 * values or from a Kafka Streams processor's {@code appConfigs()} (stream apps pass them through their Streams
 * properties), with the defaults where a key is absent.
 */
public final class DecodeConfig {

    public static final String RETRY_BACKOFF_MS = "decode.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "decode.retry.backoff.max.ms";
    public static final String RETRY_TIMEOUT_MS = "decode.retry.timeout.ms";
    public static final String DEAD_LETTER_MAX_VALUE_BYTES = "dead.letter.max.value.bytes";

    private DecodeConfig() {
    }

    /** Adds the four settings to a service's definition. */
    public static ConfigDef define(ConfigDef definition) {
        RetryPolicy d = RetryPolicy.DEFAULT;
        return definition
                .define(RETRY_BACKOFF_MS, Type.LONG, d.initialBackoff().toMillis(), Range.atLeast(0), Importance.LOW,
                        "Pause after the first failure to decode a record for a reason that is not the record's "
                                + "(schema registry unreachable or failing); doubles on each further failure.")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, d.maxBackoff().toMillis(), Range.atLeast(0),
                        Importance.LOW, "Longest pause between two tries of such a record.")
                .define(RETRY_TIMEOUT_MS, Type.LONG, d.timeout().toMillis(), Range.atLeast(0), Importance.LOW,
                        "How long such a record is retried in place before the attempt is given up and the record "
                                + "taken again from the last commit; it is never dead-lettered for it.")
                .define(DEAD_LETTER_MAX_VALUE_BYTES, Type.INT, DeadLetters.DEFAULT_MAX_VALUE_BYTES,
                        Range.between(0, DeadLetters.LIMIT_MAX_VALUE_BYTES), Importance.LOW,
                        "Most bytes of a refused record's value that its dead letter keeps; a longer value keeps "
                                + "its first bytes and records its size in value_truncated_from.");
    }

    /** The retry policy in these settings (a config's values or a processor's app configs). */
    public static RetryPolicy retryPolicy(Map<String, ?> settings) {
        RetryPolicy d = RetryPolicy.DEFAULT;
        return new RetryPolicy(millis(settings, RETRY_BACKOFF_MS, d.initialBackoff()),
                millis(settings, RETRY_BACKOFF_MAX_MS, d.maxBackoff()), millis(settings, RETRY_TIMEOUT_MS, d.timeout()));
    }

    /** The dead-letter value bound in these settings. */
    public static int deadLetterMaxValueBytes(Map<String, ?> settings) {
        Object value = settings.get(DEAD_LETTER_MAX_VALUE_BYTES);
        return value == null ? DeadLetters.DEFAULT_MAX_VALUE_BYTES
                : (Integer) ConfigDef.parseType(DEAD_LETTER_MAX_VALUE_BYTES, value, Type.INT);
    }

    /** The four settings with their values, to pass on (e.g. into a Streams app's properties). */
    public static Map<String, Object> passOn(Map<String, ?> settings) {
        RetryPolicy retry = retryPolicy(settings);
        return Map.of(RETRY_BACKOFF_MS, retry.initialBackoff().toMillis(),
                RETRY_BACKOFF_MAX_MS, retry.maxBackoff().toMillis(),
                RETRY_TIMEOUT_MS, retry.timeout().toMillis(),
                DEAD_LETTER_MAX_VALUE_BYTES, deadLetterMaxValueBytes(settings));
    }

    private static Duration millis(Map<String, ?> settings, String key, Duration fallback) {
        Object value = settings.get(key);
        return value == null ? fallback : Duration.ofMillis((Long) ConfigDef.parseType(key, value, Type.LONG));
    }
}
