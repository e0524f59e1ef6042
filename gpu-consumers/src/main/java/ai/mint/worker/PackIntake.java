package ai.mint.worker;

import ai.mint.common.decode.Failures;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.topics.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The worker's intake of adapter-packed work: it reads the worker's own work topic (created here at start, read from
 * its end: what an earlier run of this worker id was sent is the scheduler's to send again) and gives each item to the
 * {@link WorkItemRouter}. No consumer group: the topic is this worker's alone, so joining or leaving never waits
 * for a rebalance.
 */
public final class PackIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PackIntake.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicPartition partition;
    private final WorkItemRouter router;
    private final String workerId;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final Thread thread;
    private volatile boolean running = true;
    private LoopHealth health = new LoopHealth();

    /** Creates the topic if needed and fixes the start position at its current end; {@link #start} reads. */
    public PackIntake(KafkaClients clients, TopicSpec topic, String workerId, WorkItemRouter router,
                      Duration pollTimeout, Duration retryBackoff) {
        WorkTopic.ensure(clients, topic, workerId + "-work-admin");
        // uncommitted: a pack is taken when the scheduler sends it, not one exactly-once commit later. A pack of a
        // transaction that then aborts (a scheduler crash) is answered and its requests may be sent again by the
        // restarted scheduler: a request answered twice, as after a worker crash, which clients drop by request id
        this.consumer = clients.consumer(workerId + "-work", new StringDeserializer(), new ByteArrayDeserializer(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));
        this.partition = new TopicPartition(topic.name(), 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // resolved now: everything sent to this run comes after it
        this.router = router;
        this.workerId = workerId;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
        this.thread = new Thread(this::run, workerId + "-intake");
        this.thread.setDaemon(true);
    }

    public PackIntake start() {
        thread.start();
        return this;
    }

    /** Where this intake reports that it stopped for good; before start. */
    public PackIntake reportingTo(LoopHealth health) {
        this.health = health;
        return this;
    }

    private void run() {
        int failures = 0;
        try {
            while (running) {
                try {
                    pollOnce();
                    failures = 0;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (!Failures.isRetriable(e)) {
                        throw e;
                    }
                    // the broker (or registry) is away: wait it out, the position stays where it was
                    failures++;
                    LOG.warn("{}: intake waits out an outage (try {}): {}", workerId, failures, e.toString());
                    Thread.sleep(LoopHealth.backoff(retryBackoff.toMillis(), failures));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            health.failed(workerId + "-intake", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void pollOnce() throws InterruptedException {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
            if (!router.take(record)) {
                // the registry is down: read this item (and what follows) again after a pause
                consumer.seek(partition, record.offset());
                Thread.sleep(retryBackoff.toMillis());
                break;
            }
        }
    }

    /** Stops taking items; what was taken stays with the runner. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
