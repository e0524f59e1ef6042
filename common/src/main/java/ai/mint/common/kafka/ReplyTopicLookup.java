package ai.mint.common.kafka;

import java.util.Collection;
import java.util.Set;

/** Which reply topics exist now (a worker's intake, the scheduler's error answers); closed with its owner. */
@FunctionalInterface
public interface ReplyTopicLookup extends AutoCloseable {
    /**
     * The ones of {@code topics} that exist now.
     *
     * @throws org.apache.kafka.common.errors.RetriableException when the broker does not answer (retry later)
     */
    Set<String> existing(Collection<String> topics);

    @Override
    default void close() {
    }
}
