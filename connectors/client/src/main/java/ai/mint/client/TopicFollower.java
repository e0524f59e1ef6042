package ai.mint.client;

import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * Positions are fixed in the constructor, so nothing published after it returns can be missed.
 */
public final class TopicFollower<T extends SpecificRecord> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroEventDeserializer<T> decoder;
    private final Consumer<T> sink;
    private final Thread thread;
    private final Map<TopicPartition, Long> endAtStart;
    private final java.util.concurrent.CompletableFuture<Void> caughtUp = new java.util.concurrent.CompletableFuture<>();
    private volatile boolean running = true;

    public TopicFollower(String bootstrapServers, SchemaRegistryClient registry, String topic, Class<T> type,
                  boolean fromBeginning, String clientId, Consumer<T> sink) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
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
        this.decoder = new AvroEventDeserializer<>(registry, type);
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
                    try {
                        sink.accept(decoder.deserialize(r.topic(), r.value()));
                    } catch (RuntimeException e) {
                        LOG.warn("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                    }
                }
                if (!caughtUp.isDone() && endAtStart.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.complete(null);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
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
