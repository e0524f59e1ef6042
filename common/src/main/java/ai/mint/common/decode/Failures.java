package ai.mint.common.decode;

import ai.mint.registry.IncompatibleSchemaException;
import ai.mint.registry.SchemaRegistryException;
import ai.mint.serde.MalformedEventException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a failure that is the input's fault from one that is not. Bad input (bytes that are no event of the topic,
 * an unknown schema id) is dead-lettered; everything the platform itself failed at (the registry unreachable or
 * failing, a Kafka timeout) is retried, because the same record will succeed once the platform is back.
 */
public final class Failures {

    private Failures() {
    }

    /**
     * Whether retrying later may succeed: a registry failure (other than a schema refused as incompatible, which
     * stays refused) or a Kafka {@link RetriableException} anywhere in the cause chain, unless the chain says the
     * bytes themselves are malformed.
     */
    public static boolean isRetriable(Throwable failure) {
        boolean retriable = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MalformedEventException || t instanceof IncompatibleSchemaException) {
                return false;
            }
            if (t instanceof SchemaRegistryException || t instanceof RetriableException) {
                retriable = true;
            }
        }
        return retriable;
    }

    /** The message of a failure with its causes: {@code message <- Cause: message ...}. */
    public static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            message.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return message.toString();
    }
}
