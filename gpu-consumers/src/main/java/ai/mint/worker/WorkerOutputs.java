package ai.mint.worker;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.events.DeadLetter;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a worker publishes: results keyed by policy id, dead letters for input it cannot process, heartbeats and
 * metrics. One idempotent producer (acks=all) shared by the worker's threads.
 */
public final class WorkerOutputs implements ResultPublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerOutputs.class);

    private final KafkaProducer<String, SpecificRecord> producer;
    private final String workerId;

    public WorkerOutputs(String bootstrapServers, SchemaRegistryClient registry, String workerId) {
        this.workerId = workerId;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, workerId + "-out",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1),
                new StringSerializer(), new AvroEventSerializer<>(registry));
    }

    /** Sends {@code event} keyed by {@code key}; the future completes when the broker has it. */
    public Future<RecordMetadata> send(String topic, String key, SpecificRecord event) {
        return producer.send(new ProducerRecord<>(topic, key, event));
    }

    /** Sends and waits, so a request is committed only after its result is durable. */
    public void sendAndWait(String topic, String key, SpecificRecord event) {
        try {
            send(topic, key, event).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void publish(Reply reply) {
        sendAndWait(reply.topic(), reply.key(), reply.event());
    }

    /** Publishes a dead letter for {@code source}, naming why it could not be processed. */
    @Override
    public void deadLetter(ConsumerRecord<String, byte[]> source, String policyId, Throwable error, String reason) {
        DeadLetter letter = DeadLetters.of(
                EventIds.derived(source.topic() + "-" + source.partition() + "-" + source.offset(), "dlq"),
                Instant.now(),
                new DeadLetters.Source(source.topic(), source.partition(), source.offset(),
                        DeadLetters.keyBytes(source.key()), source.value()),
                policyId, error == null ? "Rejected" : error.getClass().getName(), reason, workerId);
        LOG.warn("dead letter from {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reason);
        sendAndWait(Topics.DEAD_LETTER.name(), source.key() == null ? "" : source.key(), letter);
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
