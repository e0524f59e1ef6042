package ai.mint.common.decode;

import java.util.Objects;

/**
 * What one raw record decoded to: its event, or why it is bad input (the error class and reason its dead letter
 * carries). Retriable failures are not results: {@link EventDecoder} throws {@link RetriableDecodeException} for them.
 *
 * @param event      the decoded event; null when rejected
 * @param errorClass {@link #UNDESERIALIZABLE} or {@link #KEY_MISMATCH} when rejected, else null
 * @param reason     what exactly was wrong, for a person reading the dead-letter topic; null when decoded
 * @param <T>        the event type
 */
public record DecodeResult<T>(T event, String errorClass, String reason) {

    /** The bytes are not an event of the topic's type: bad framing, unknown schema id, truncated, wrong type, null. */
    public static final String UNDESERIALIZABLE = "UNDESERIALIZABLE";
    /** The record's key is not the event's own id field (events are keyed by policy id to stay ordered). */
    public static final String KEY_MISMATCH = "KEY_MISMATCH";

    public DecodeResult {
        if ((event == null) == (errorClass == null)) {
            throw new IllegalArgumentException("a decode result is either an event or a rejection");
        }
        if (errorClass != null) {
            Objects.requireNonNull(reason, "reason");
        }
    }

    public static <T> DecodeResult<T> decoded(T event) {
        return new DecodeResult<>(Objects.requireNonNull(event, "event"), null, null);
    }

    public static <T> DecodeResult<T> rejected(String errorClass, String reason) {
        return new DecodeResult<>(null, errorClass, reason);
    }

    /** Whether the record decoded into an event. */
    public boolean ok() {
        return event != null;
    }
}
