package ai.mint.worker;

import ai.mint.common.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer-group member on a thread of its own: polls its request topics as raw bytes (so that a record that does
 * not decode becomes a dead letter instead of a poll that throws), hands each poll's records to a processor, and
 * commits their offsets once the processor has published every result. Work is therefore done at least once; the
 * handlers make a repeat harmless (derived event ids, saved update results).
 */
public final class RequestLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLoop.class);

    private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    private final Consumer<List<ConsumerRecord<String, byte[]>>> processor;
    private final Collection<String> topics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int queueDepth;
    private Duration pollTimeout = Duration.ofMillis(200);
    private Duration retryBackoff = Duration.ofSeconds(1);
    private LoopHealth health = new LoopHealth();

    public RequestLoop(String name, KafkaClients clients, String groupId, String clientId, Collection<String> topics,
                       int maxPollRecords, Consumer<List<ConsumerRecord<String, byte[]>>> processor) {
        this(name, clients.consumer(clientId, new StringDeserializer(), new ByteArrayDeserializer(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                // one training step of a large batch may take minutes on a CPU
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 900_000)), topics, processor);
    }

    /** A loop over a consumer made elsewhere (tests drive one without a broker). */
    RequestLoop(String name, org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer,
                Collection<String> topics, Consumer<List<ConsumerRecord<String, byte[]>>> processor) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.processor = processor;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** How long one poll waits for records, and the pause before a failed poll is taken again; before start. */
    public RequestLoop timing(Duration pollTimeout, Duration retryBackoff) {
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
        return this;
    }

    /** Where this loop reports that it stopped for good; before start. */
    public RequestLoop reportingTo(LoopHealth health) {
        this.health = health;
        return this;
    }

    public RequestLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    LOG.info("{} gives up {}", thread.getName(), partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.info("{} now owns {}", thread.getName(), partitions);
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
                records.forEach(batch::add);
                queueDepth = batch.size();
                try {
                    processor.accept(batch);
                    consumer.commitSync();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // not the input's fault (bad input is answered and dead-lettered): broker or disk trouble.
                    // Take the batch again from the last commit after a pause, rather than stop taking work.
                    LOG.error("{}: batch failed, retrying from the last commit: {}", thread.getName(), e.toString(), e);
                    rewindAfterFailure();
                }
                queueDepth = 0;
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            health.failed(thread.getName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Goes back to the last commit after a pause, retrying with a growing pause while the broker cannot say where that
     * is (it is down): the loop waits out the outage instead of ending its thread.
     */
    private void rewindAfterFailure() throws InterruptedException {
        for (int attempt = 1; running; attempt++) {
            Thread.sleep(LoopHealth.backoff(retryBackoff.toMillis(), attempt));
            try {
                rewindToCommitted();
                return;
            } catch (WakeupException e) {
                throw e;
            } catch (org.apache.kafka.common.errors.RetriableException e) {
                LOG.warn("{}: cannot read the last commit yet (try {}): {}", thread.getName(), attempt, e.toString());
            }
        }
    }

    private void rewindToCommitted() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition p : assigned) {
            OffsetAndMetadata at = committed.get(p);
            if (at != null) {
                consumer.seek(p, at);
            } else {
                consumer.seekToBeginning(List.of(p));
            }
        }
    }

    /** Binds this loop's consumer metrics (its lag among them) to {@code metrics}. */
    public RequestLoop bindMetrics(ai.mint.common.metrics.ServiceMetrics metrics) {
        metrics.bindKafkaClient(consumer);
        return this;
    }

    /** Records taken but not yet finished. */
    public int queueDepth() {
        return queueDepth;
    }

    /** Stops after the batch in hand: its results are published and its offsets committed. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            consumer.wakeup();
        }
    }

    /** Stops at once without committing what is in hand, as a crash would (tests of redelivery). */
    public void abort() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
