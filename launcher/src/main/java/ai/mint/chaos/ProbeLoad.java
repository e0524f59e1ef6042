package ai.mint.chaos;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A steady stream of numbered events through a replicated topic of its own, to count what a fault loses or repeats:
 * the platform's acks=all idempotent producer sends one event every {@code intervalMs}, half of them to partition 0
 * (so that partition is the busiest), and remembers every id the cluster acknowledged. {@link #verify()} then reads
 * the topic back and compares, id by id.
 */
public final class ProbeLoad implements AutoCloseable {

    /** The probe's topic: three partitions, replication 3 (min.insync.replicas 2 from the cluster). */
    public static final String TOPIC = "mint.chaos.probe";
    /** The partition that gets half of the events. */
    public static final int BUSIEST_PARTITION = 0;

    private final PlatformConnection connection;
    private final String runId;
    private final KafkaProducer<String, String> producer;
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;

    private ProbeLoad(PlatformConnection connection, String runId, long intervalMs) {
        this.connection = connection;
        this.runId = runId;
        this.producer = KafkaClients.of(connection).producer("mint-chaos-probe-" + runId, new StringSerializer(),
                new StringSerializer(), Map.of("linger.ms", 1));
        this.sender = new Thread(() -> sendLoop(intervalMs), "mint-chaos-probe");
        sender.setDaemon(true);
    }

    /** Creates the probe topic if needed and starts sending. */
    public static ProbeLoad start(PlatformConnection connection, String runId, long intervalMs) {
        createTopic(connection);
        ProbeLoad load = new ProbeLoad(connection, runId, intervalMs);
        load.sender.start();
        return load;
    }

    private static void createTopic(PlatformConnection connection) {
        try (Admin admin = KafkaClients.of(connection).admin("mint-chaos-admin")) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ChaosException("cannot create " + TOPIC + ": " + e.getCause().getMessage(), e);
            }
        } catch (Exception e) {
            throw new ChaosException("cannot create " + TOPIC + ": " + e, e);
        }
    }

    private void sendLoop(long intervalMs) {
        long n = 0;
        while (running) {
            String id = runId + "-" + n;
            int partition = n % 2 == 0 ? BUSIEST_PARTITION : 1 + (int) (n / 2 % 2);
            sent.incrementAndGet();
            try {
                producer.send(new ProducerRecord<>(TOPIC, partition, id, id), (meta, error) -> {
                    if (error == null) {
                        acked.add(id);
                    } else {
                        failed.incrementAndGet();
                    }
                });
            } catch (RuntimeException e) {
                failed.incrementAndGet(); // refused before sending (buffer full past max.block.ms)
            }
            n++;
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ids the cluster acknowledged so far. */
    public int acked() {
        return acked.size();
    }

    /** Stops sending and waits until every send in flight is acknowledged or failed. */
    public void stop() {
        running = false;
        sender.interrupt();
        try {
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
    }

    /**
     * Reads the probe topic back from the start (only this run's ids) and compares with what was acknowledged.
     * Call after {@link #stop()}.
     */
    public Counts verify() {
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = KafkaClients.of(connection).consumer("mint-chaos-verify-" + runId,
                new StringDeserializer(), new StringDeserializer(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new ChaosException("could not read " + TOPIC + " back to its end within 60 s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value().startsWith(runId + "-")) {
                        seen.merge(r.value(), 1, Integer::sum);
                    }
                }
            }
        }
        long lost = acked.stream().filter(id -> !seen.containsKey(id)).count();
        long duplicated = seen.values().stream().filter(c -> c > 1).mapToLong(c -> c - 1).sum();
        return new Counts(sent.get(), acked.size(), failed.get(), seen.size(), lost, duplicated);
    }

    /** The partition of the probe topic with the most records, by end offset (the one the load favours). */
    public static int busiestPartition(PlatformConnection connection) {
        try (Admin admin = KafkaClients.of(connection).admin("mint-chaos-admin")) {
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, 3).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(TOPIC, p), p -> OffsetSpec.latest()));
            var offsets = admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
            return offsets.entrySet().stream().max(Map.Entry.comparingByValue(
                            (a, b) -> Long.compare(a.offset(), b.offset())))
                    .map(e -> e.getKey().partition()).orElse(BUSIEST_PARTITION);
        } catch (Exception e) {
            throw new ChaosException("cannot read the end offsets of " + TOPIC + ": " + e, e);
        }
    }

    @Override
    public void close() {
        running = false;
        sender.interrupt();
        producer.close(Duration.ofSeconds(10));
    }

    /**
     * What the probe saw.
     *
     * @param sent       events handed to the producer
     * @param acked      events the cluster acknowledged (acks=all)
     * @param failed     events the producer gave up on (reported to the sender, so not lost silently)
     * @param consumed   distinct acknowledged-run ids read back
     * @param lost       acknowledged ids not read back
     * @param duplicated extra copies read back
     */
    public record Counts(long sent, long acked, long failed, long consumed, long lost, long duplicated) {
    }
}
