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
}
