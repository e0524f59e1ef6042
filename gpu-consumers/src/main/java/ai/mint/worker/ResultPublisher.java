package ai.mint.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a request processor puts what it produces: results (published durably before the request's offset is
 * committed) and dead letters for input it cannot process. {@link WorkerOutputs} publishes to Kafka.
 */
public interface ResultPublisher {

    /** Publishes {@code reply} and waits until it is durable. */
    void publish(Reply reply);

    /** Publishes a dead letter for {@code source}, naming why it could not be processed. */
    void deadLetter(ConsumerRecord<String, byte[]> source, String policyId, Throwable error, String reason);

    /** Publishes a dead letter for {@code source} with an error class of the caller's (e.g. a decode rejection). */
    default void deadLetter(ConsumerRecord<String, byte[]> source, String policyId, String errorClass, String reason) {
        deadLetter(source, policyId, (Throwable) null, errorClass + ": " + reason);
    }
}
