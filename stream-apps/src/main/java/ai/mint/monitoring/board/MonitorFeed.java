package ai.mint.monitoring.board;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.Alert;
import ai.mint.events.PolicyView;
import ai.mint.events.WorkerView;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.monitoring.MonitorTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the monitoring topics into a {@link MonitorBoard}: the two compacted view topics from their start (the latest
 * view of everything, and the recent history compaction has not removed yet), the alerts topic from its last
 * {@code alerts} records per partition; then follows all three. No consumer group: every reader sees every partition,
 * so any instance answers for every policy. A record that does not decode is logged and skipped: these are the
 * monitoring app's own outputs, so a bad one is a bug to see in the log, not input to dead-letter.
 */
public final class MonitorFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    private final MonitorBoard board;
    private final Map<String, EventDecoder<?>> decoders;
    private final Map<TopicPartition, Long> startEnds;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    private MonitorFeed(PlatformConnection connection, MonitorBoard board, MonitorTopics topics, int alerts) {
        this.board = board;
        SchemaRegistryClient registry = connection.registry();
        RetryPolicy retry = RetryPolicy.DEFAULT;
        this.decoders = Map.of(
                topics.policyViews(), EventDecoder.of(registry, PolicyView.class, retry),
                topics.workerViews(), new EventDecoder<>(new AvroEventDeserializer<>(registry, WorkerView.class),
                        "worker_id", retry),
                topics.alerts(), EventDecoder.of(registry, Alert.class, retry));
        this.consumer = KafkaClients.of(connection).consumer("mint-monitor-feed", new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.policyViews(), topics.workerViews(), topics.alerts())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMillis(KafkaClients.TIMEOUT_MS));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("topic " + topic + " does not exist: start the platform (mint up) "
                        + "or create the topics (mint topics create)");
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        this.startEnds = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            long from = tp.topic().equals(topics.alerts()) ? Math.max(0, startEnds.get(tp) - alerts) : 0;
            consumer.seek(tp, from);
        }
        this.thread = new Thread(this::run, "mint-monitor-feed");
        this.thread.setDaemon(true);
    }

    /** Starts reading into {@code board}; {@code alerts} is how many of the newest alerts per partition it reads back. */
    public static MonitorFeed start(PlatformConnection connection, MonitorBoard board, MonitorTopics topics,
                                    int alerts) {
        MonitorFeed feed = new MonitorFeed(connection, board, topics, alerts);
        feed.thread.start();
        return feed;
    }

    /** Whether everything that was on the topics when the feed started has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Waits until {@link #caughtUp()} or the timeout; returns whether it caught up. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return caughtUp;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    DecodeResult<?> decoded = decoders.get(record.topic()).decode(record.topic(), record.key(),
                            record.headers(), record.value());
                    if (decoded.ok()) {
                        board.add(decoded.event());
                    } else {
                        LOG.warn("skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                                decoded.reason());
                    }
                }
                if (!caughtUp) {
                    caughtUp = startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("the monitoring feed stopped: {}", e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
