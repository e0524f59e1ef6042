package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.InMemorySchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The worker's loops through broker outages: a request loop whose broker cannot say where its last commit is, and a
 * catalog follower whose broker is not there at start-up, wait the outage out; a loop that cannot go on makes the
 * worker unhealthy.
 */
class RequestLoopTest {

    private static final TopicPartition P0 = new TopicPartition("mint.rollout.requests", 0);

    /**
     * A consumer whose broker cannot answer "where was the last commit" for its first {@code outages} questions. It
     * keeps what was added, so that a seek back delivers those records again as a broker would (MockConsumer alone
     * hands each record out once).
     */
    private static final class OutageConsumer extends MockConsumer<String, byte[]> {
        final AtomicInteger outages;
        private final List<ConsumerRecord<String, byte[]>> log = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void addRecord(ConsumerRecord<String, byte[]> record) {
            log.add(record);
            super.addRecord(record);
        }

        @Override
        public synchronized void seek(TopicPartition partition, OffsetAndMetadata offset) {
            super.seek(partition, offset);
            redeliver(partition, offset.offset());
        }

        @Override
        public synchronized void seekToBeginning(java.util.Collection<TopicPartition> partitions) {
            super.seekToBeginning(partitions);
            partitions.forEach(p -> redeliver(p, 0));
        }

        private void redeliver(TopicPartition partition, long from) {
            log.stream().filter(r -> r.topic().equals(partition.topic()) && r.partition() == partition.partition()
                    && r.offset() >= from).forEach(super::addRecord);
        }

        OutageConsumer(int outages) {
            super("earliest");
            this.outages = new AtomicInteger(outages);
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
            if (outages.getAndDecrement() > 0) {
                throw new TimeoutException("broker down");
            }
            return super.committed(partitions);
        }
    }

    @Test
    void shouldRetryABatchWhenTheBrokerCannotSayWhereTheLastCommitIsUntilItIsBack() {
        OutageConsumer consumer = new OutageConsumer(3);
        List<Long> processed = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger(1);
        LoopHealth health = new LoopHealth();
        RequestLoop loop = new RequestLoop("test-loop", consumer, List.of(P0.topic()), batch -> {
            if (failures.getAndDecrement() > 0) {
                throw new KafkaException("results could not be published");
            }
            batch.forEach(r -> processed.add(r.offset()));
        }).timing(Duration.ofMillis(10), Duration.ofMillis(5)).reportingTo(health);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            consumer.addRecord(new ConsumerRecord<>(P0.topic(), 0, 0L, "p", new byte[]{1}));
        });
        loop.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> !processed.isEmpty());
        loop.close();

        assertThat(processed).containsExactly(0L);
        assertThat(consumer.outages.get()).isNegative(); // every outage was met, and waited out
        assertThat(health.failure()).isEmpty();
    }

    @Test
    void shouldMakeTheWorkerUnhealthyWhenALoopCannotGoOn() {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        LoopHealth health = new LoopHealth();
        RequestLoop loop = new RequestLoop("doomed-loop", consumer, List.of(P0.topic()), batch -> { })
                .timing(Duration.ofMillis(10), Duration.ofMillis(5)).reportingTo(health);
        consumer.setPollException(new KafkaException("not authorized to read"));
        loop.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> health.failure().isPresent());
        assertThat(health.failure().get()).contains("doomed-loop").contains("not authorized to read");
        assertThat(health.whenFailed()).isDone();
        loop.close();
    }

    @Test
    void shouldKeepFollowingTheCatalogWhenTheBrokerIsDownAtStartUp() throws Exception {
        PlatformConnection noBroker = PlatformConnection.of("127.0.0.1:1", "mock://loop-test")
                .withKafkaProperties(Map.of("default.api.timeout.ms", "200", "request.timeout.ms", "200",
                        "reconnect.backoff.max.ms", "50"));
        LoopHealth health = new LoopHealth();
        CatalogFollower follower = new CatalogFollower(KafkaClients.of(noBroker), new InMemorySchemaRegistry(),
                "loop-test-catalog", new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(1)))
                .reportingTo(health).start();
        try {
            // several start-up timeouts pass; before the fix the first one ended the thread
            Thread.sleep(1_500);
            assertThat(follower.alive()).isTrue();
            assertThat(health.failure()).isEmpty();
        } finally {
            follower.close();
        }
    }

    @Test
    void shouldBackOffLongerAfterEachFailureUpToTheBound() {
        assertThat(LoopHealth.backoff(100, 1)).isBetween(100L, 120L);
        assertThat(LoopHealth.backoff(100, 3)).isBetween(400L, 480L);
        assertThat(LoopHealth.backoff(100, 40)).isBetween(LoopHealth.MAX_BACKOFF_MS, LoopHealth.MAX_BACKOFF_MS * 6 / 5);
    }
}
