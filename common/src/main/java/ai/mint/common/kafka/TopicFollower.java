package ai.mint.common.kafka;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetriableDecodeException;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic on a thread of its own, without a consumer group, from the beginning (state
 * topics) or from the end as it is when the follower is built (replies), and hands each decoded event to a callback.
 * Positions are fixed in the constructor, so nothing published after it returns can be missed. Records that are bad
 * input are skipped with a warning; a record that cannot be decoded because the registry is down is read again once it
 * is back, so no reply or catalog entry is lost to an outage.
 */
public final class TopicFollower<T extends SpecificRecord> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDecoder<T> decoder;
    private final Consumer<T> sink;
    private final RetryPolicy retry;
    private final Thread thread;
    private final Map<TopicPartition, Long> endAtStart;
    private final java.util.concurrent.CompletableFuture<Void> caughtUp = new java.util.concurrent.CompletableFuture<>();
    private volatile boolean running = true;

    public TopicFollower(KafkaClients clients, SchemaRegistryClient registry, String topic, Class<T> type,
                         boolean fromBeginning, String clientId, Consumer<T> sink) {
        this(clients, EventDecoder.of(registry, type, RetryPolicy.DEFAULT), RetryPolicy.DEFAULT, topic, fromBeginning,
                clientId, sink);
    }

    /**
     * As above, decoding with {@code decoder} (for a topic not keyed by policy id), whose {@code retry} also sets the
     * pause before a record the registry could not decode is read again.
     */
    public TopicFollower(KafkaClients clients, EventDecoder<T> decoder, RetryPolicy retry, String topic,
                         boolean fromBeginning, String clientId, Consumer<T> sink) {
        this.consumer = clients.consumer(clientId, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position); // resolve the positions now, not at the first poll
        this.endAtStart = consumer.endOffsets(partitions);
        this.decoder = decoder;
        this.retry = retry;
        this.sink = sink;
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.value() == null) {
                        continue;
                    }
                    if (!take(r)) {
                        // the registry is down: read this record (and what follows it) again after a pause
                        consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
                        Thread.sleep(retry.maxBackoff().toMillis());
                        break;
                    }
                }
                if (!caughtUp.isDone() && endAtStart.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.complete(null);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("follower {} stopped: {}", thread.getName(), e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Hands one record's event to the sink; false when it must be read again later (the registry is down). */
    private boolean take(ConsumerRecord<String, byte[]> r) {
        DecodeResult<T> decoded;
        try {
            decoded = decoder.decode(r.topic(), r.key(), r.headers(), r.value());
        } catch (RetriableDecodeException e) {
            LOG.warn("{}-{}@{} cannot be read now, will retry: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return false;
        }
        if (!decoded.ok()) {
            LOG.warn("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), decoded.reason());
            return true;
        }
        try {
            sink.accept(decoded.event());
        } catch (RuntimeException e) {
            LOG.warn("{}-{}@{} was read but not taken: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
        return true;
    }

    /** Completes once everything that was on the topic when the follower started has been read. */
    public java.util.concurrent.CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
