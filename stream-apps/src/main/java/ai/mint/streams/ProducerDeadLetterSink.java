package ai.mint.streams;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.DeadLetter;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A {@link DeadLetterSink} over a producer of its own, made on the first dead letter. It sits outside the app's
 * transaction (Kafka Streams gives its handlers no way into it), so a dead letter may be written twice if the task
 * fails right after; its id is derived from the source record, so readers can drop the repeat.
 */
public final class ProducerDeadLetterSink implements DeadLetterSink {

    private final PlatformConnection connection;
    private final String clientId;
    private KafkaProducer<String, DeadLetter> producer;

    public ProducerDeadLetterSink(PlatformConnection connection, String clientId) {
        this.connection = connection;
        this.clientId = clientId;
    }

    @Override
    public synchronized void send(DeadLetter letter) {
        if (producer == null) {
            producer = KafkaClients.of(connection).producer(clientId + "-dead-letters", new StringSerializer(),
                    new AvroEventSerializer<>(connection.registry()));
        }
        try {
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTER.name(), letter.getPolicyId(), letter))
                    .get(KafkaClients.DELIVERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while sending a dead letter", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot send the dead letter of " + letter.getSourceTopic() + " offset "
                    + letter.getSourceOffset() + ": " + e.getMessage(), e);
        }
    }
}
