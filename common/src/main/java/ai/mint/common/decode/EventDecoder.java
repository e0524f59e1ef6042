package ai.mint.common.decode;

import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one decoder of raw records (String key, Confluent-wire-format value) into events, for every app and reader of
 * the platform. Bad input becomes a {@link DecodeResult} rejection naming why (a null value, bytes that are not an
 * event of the topic's type, a key that is not the event's {@code policy_id}), for the caller to dead-letter. A
 * failure that is not the record's (the registry is down) is retried in place with the {@link RetryPolicy}'s backoff
 * and, if it lasts longer, thrown as {@link RetriableDecodeException} so that the caller processes the record again
 * later instead of losing it.
 *
 * @param <T> the event type of the topic
 */
public final class EventDecoder<T extends SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(EventDecoder.class);

    /** The field every event is keyed by, except worker heartbeats. */
    public static final String POLICY_ID = "policy_id";

    private final Deserializer<T> deserializer;
    private final String keyField;
    private final RetryPolicy retry;

    /**
     * @param deserializer reads the value bytes (e.g. {@link AvroEventDeserializer} or a serde's deserializer)
     * @param keyField     the event field the record key must equal, or null for no check
     */
    public EventDecoder(Deserializer<T> deserializer, String keyField, RetryPolicy retry) {
        this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
        this.keyField = keyField;
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /** Events of {@code type} keyed by policy id, read through {@code registry}. */
    public static <T extends SpecificRecord> EventDecoder<T> of(SchemaRegistryClient registry, Class<T> type,
                                                               RetryPolicy retry) {
        return new EventDecoder<>(new AvroEventDeserializer<>(registry, type), POLICY_ID, retry);
    }

    /**
     * Events of any of {@code types} on one topic (a reply topic carries a streamed request's chunks, then its
     * response), each read into its own class by the schema id in the bytes; all keyed by policy id.
     */
    public static EventDecoder<SpecificRecord> oneOf(SchemaRegistryClient registry,
                                                     List<Class<? extends SpecificRecord>> types, RetryPolicy retry) {
        return new EventDecoder<>(AvroEventDeserializer.oneOf(registry, types), POLICY_ID, retry);
    }

    public DecodeResult<T> decode(String topic, String key, byte[] value) {
        return decode(topic, key, new RecordHeaders(), value);
    }

    /**
     * Decodes one record.
     *
     * @throws RetriableDecodeException when the registry kept failing for the whole retry timeout
     */
    public DecodeResult<T> decode(String topic, String key, Headers headers, byte[] value) {
        if (value == null) {
            return DecodeResult.rejected(DecodeResult.UNDESERIALIZABLE, "record in " + topic
                    + " has a null value (a tombstone); MinT events always carry a value");
        }
        DecodeResult<T> read = deserializeRetrying(topic, headers, value);
        if (!read.ok()) {
            return read;
        }
        T event = read.event();
        if (keyField != null) {
            Schema.Field field = event.getSchema().getField(keyField);
            if (field == null) {
                return DecodeResult.rejected(DecodeResult.UNDESERIALIZABLE, "record in " + topic + " is a "
                        + event.getSchema().getName() + ", which has no " + keyField + " to be keyed by");
            }
            String id = String.valueOf(event.get(field.pos()));
            if (!id.equals(key)) {
                return DecodeResult.rejected(DecodeResult.KEY_MISMATCH, "record key '" + key + "' is not its "
                        + keyField + " '" + id + "'; events must be keyed by " + keyField.replace('_', ' ')
                        + " to stay ordered");
            }
        }
        return DecodeResult.decoded(event);
    }

    private DecodeResult<T> deserializeRetrying(String topic, Headers headers, byte[] value) {
        long deadline = System.nanoTime() + retry.timeout().toNanos();
        for (int failures = 1; ; failures++) {
            try {
                T event = deserializer.deserialize(topic, headers, value);
                return event == null ? DecodeResult.rejected(DecodeResult.UNDESERIALIZABLE, "record in " + topic
                        + " decodes to nothing") : DecodeResult.decoded(event);
            } catch (RuntimeException e) {
                if (!Failures.isRetriable(e)) {
                    return DecodeResult.rejected(DecodeResult.UNDESERIALIZABLE, "record in " + topic
                            + " does not decode: " + e.getClass().getSimpleName() + ": " + Failures.describe(e));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RetriableDecodeException("cannot decode a record of " + topic + " now (tried "
                            + failures + " time(s) over " + retry.timeout().toMillis() + " ms): "
                            + Failures.describe(e) + "; it is kept and retried, not dead-lettered", e);
                }
                if (failures == 1) {
                    LOG.warn("cannot decode a record of {} now, retrying for up to {} ms: {}", topic,
                            retry.timeout().toMillis(), e.toString());
                }
                pause(Duration.ofNanos(Math.min(left, retry.backoff(failures).toNanos())), topic, e);
            }
        }
    }

    private static void pause(Duration pause, String topic, RuntimeException cause) {
        try {
            Thread.sleep(pause.toMillis(), (int) (pause.toNanos() % 1_000_000));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RetriableDecodeException("interrupted while retrying a record of " + topic, cause);
        }
    }
}
