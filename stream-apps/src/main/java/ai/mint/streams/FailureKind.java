package ai.mint.streams;

import ai.mint.common.decode.Failures;
import ai.mint.serde.MalformedEventException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The three kinds of failure a stream app tells apart, whichever handler meets them. A retriable one (broker or
 * registry unavailable) is not the record's fault: the app retries with backoff. A record-level one (the record, or
 * the output it yields, can never be processed or produced) sends the input to the dead-letter topic and goes on. Any
 * other failure is a broken invariant (a bug, a corrupt store): the app stops with a clear message instead of looping
 * on the same record forever.
 */
public enum FailureKind {
    RETRIABLE, RECORD, INVARIANT;

    /** The kind of {@code failure}, judged over its whole cause chain. */
    public static FailureKind of(Throwable failure) {
        if (Failures.isRetriable(failure)) {
            return RETRIABLE;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof SerializationException
                    || t instanceof MalformedEventException || t instanceof AvroRuntimeException
                    || t instanceof IllegalArgumentException) {
                return RECORD;
            }
        }
        return INVARIANT;
    }
}
