package ai.mint.worker;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.ids.EventIds;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.DeadLetter;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a worker publishes: results keyed by policy id, dead letters for input it cannot process (bounded, see
 * {@link DeadLetters}), heartbeats and metrics. Producers of the project's factory (acks=all, idempotent, records
 * bounded) shared by the worker's threads: one for the platform's topics, one for the per-client reply topics, which
 * waits at most {@link #REPLY_MAX_BLOCK_MS} for a topic's metadata. A client that deleted its reply topic while its
 * answer was made would otherwise hold a reply thread for the platform's whole 15 s (every other answer queued behind
 * it); a topic that proved gone fails at once from then on ({@link GoneReplyTopics}).
 */
public final class WorkerOutputs implements ResultPublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerOutputs.class);

    /** Longest wait for a per-client reply topic's metadata (it was seen to exist when its request was taken). */
    static final int REPLY_MAX_BLOCK_MS = 2_000;

    private final Producer<String, SpecificRecord> producer;
    private final Producer<String, SpecificRecord> replyProducer;
    private final GoneReplyTopics gone = new GoneReplyTopics();
    private final String workerId;
    private final int deadLetterMaxValueBytes;
    private volatile Consumer<SpecificRecord> observer = event -> { };
    /**
     * Where {@link #sendAsync} futures complete. Never the producer's I/O thread: a stage chained on such a future
     * (a pack-done report after its answers) may send again, and a send that waits for metadata on the I/O thread
     * blocks the very thread that would fetch it (every send of the worker, heartbeats included, then stalls).
     */
    private final ExecutorService callbacks = Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "mint-worker-send-callbacks");
                t.setDaemon(true);
                return t;
            });

    public WorkerOutputs(KafkaClients clients, SchemaRegistryClient registry, String workerId,
                         int deadLetterMaxValueBytes) {
        // linger 1 ms: inference answers are latency-bound
        this(clients.producer(workerId + "-out", new StringSerializer(), new AvroEventSerializer<>(registry),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 1)),
                clients.producer(workerId + "-replies-out", new StringSerializer(), new AvroEventSerializer<>(registry),
                        Map.of(ProducerConfig.LINGER_MS_CONFIG, 1, ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                REPLY_MAX_BLOCK_MS)), workerId, deadLetterMaxValueBytes);
    }

    /** Over a given producer for every topic (tests pass Kafka's MockProducer). */
    WorkerOutputs(Producer<String, SpecificRecord> producer, String workerId, int deadLetterMaxValueBytes) {
        this(producer, producer, workerId, deadLetterMaxValueBytes);
    }

    /** Over given producers for the platform's topics and for per-client reply topics. */
    WorkerOutputs(Producer<String, SpecificRecord> producer, Producer<String, SpecificRecord> replyProducer,
                  String workerId, int deadLetterMaxValueBytes) {
        this.producer = producer;
        this.replyProducer = replyProducer;
        this.workerId = workerId;
        this.deadLetterMaxValueBytes = deadLetterMaxValueBytes;
    }

    /** Sends {@code event} keyed by {@code key}; the future completes when the broker has it. */
    public Future<RecordMetadata> send(String topic, String key, SpecificRecord event) {
        Producer<String, SpecificRecord> out;
        try {
            out = producerFor(topic);
        } catch (IllegalStateException gone) {
            return CompletableFuture.failedFuture(gone);
        }
        observer.accept(event);
        return out.send(new ProducerRecord<>(topic, key, event), (metadata, error) -> noteGone(topic, error));
    }

    /** Sends {@code event}; the future completes (on the callbacks thread) when the broker has it, or fails. */
    public CompletableFuture<RecordMetadata> sendAsync(String topic, String key, SpecificRecord event) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            Producer<String, SpecificRecord> out = producerFor(topic);
            observer.accept(event);
            out.send(new ProducerRecord<>(topic, key, event), (metadata, error) -> callbacks.execute(() -> {
                noteGone(topic, error);
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(metadata);
                }
            }));
        } catch (RuntimeException e) { // a gone reply topic, serialization or a closed producer
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * The producer of {@code topic}: the reply producer (short metadata wait) for a per-client reply topic, the
     * platform's producer for the rest; a reply topic that proved gone fails at once instead.
     */
    private Producer<String, SpecificRecord> producerFor(String topic) {
        if (!Topics.isInferenceReplyTopic(topic)) {
            return producer;
        }
        if (gone.isGone(topic, System.currentTimeMillis())) {
            throw new IllegalStateException("reply topic " + topic + " is gone (its client deleted it); nothing more "
                    + "is sent to it");
        }
        return replyProducer;
    }

    /** Remembers a per-client reply topic whose send failed because it no longer exists. */
    private void noteGone(String topic, Exception error) {
        if (error != null && Topics.isInferenceReplyTopic(topic) && GoneReplyTopics.meansGone(error)) {
            gone.remember(topic, System.currentTimeMillis());
        }
    }

    /** Shows every event sent to {@code observer} (the worker's metrics), replacing an earlier one. */
    public void observe(Consumer<SpecificRecord> observer) {
        this.observer = observer;
    }

    /** The producer, for binding its client metrics. */
    Producer<String, SpecificRecord> producer() {
        return producer;
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
        deadLetter(source, policyId, error == null ? "Rejected" : error.getClass().getName(), reason);
    }

    /** Publishes a dead letter for {@code source} with an error class of its own (e.g. a decode rejection's). */
    @Override
    public void deadLetter(ConsumerRecord<String, byte[]> source, String policyId, String errorClass, String reason) {
        DeadLetter letter = DeadLetters.of(EventIds.ofSource(source.topic(), source.partition(), source.offset()),
                Instant.now(),
                new DeadLetters.Source(source.topic(), source.partition(), source.offset(),
                        DeadLetters.keyBytes(source.key()), source.value()),
                policyId, errorClass, reason, workerId, deadLetterMaxValueBytes);
        LOG.warn("dead letter from {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reason);
        sendAndWait(Topics.DEAD_LETTER.name(), DeadLetters.recordKey(source.key()), letter);
    }

    public void flush() {
        producer.flush();
        replyProducer.flush();
    }

    @Override
    public void close() {
        if (replyProducer != producer) {
            replyProducer.close(Duration.ofSeconds(5));
        }
        producer.close(Duration.ofSeconds(5));
        callbacks.shutdown();
    }
}
