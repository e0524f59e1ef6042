package ai.mint.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.chaos.ProbeLoad;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.it.TestFiles;
import ai.mint.platform.KafkaNodeProcess;
import ai.mint.platform.KafkaProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The replicated cluster of separate processes under a crash: one controller and three broker JVMs, an acks=all
 * idempotent producer writing numbered events (half to one partition), the leader of that partition SIGKILLed and
 * started again. Every acknowledged event must be read back exactly once, and the restarted broker must rejoin.
 */
class ProcessClusterIT {

    @Test
    void shouldLoseAndRepeatNothingWhenTheLeaderOfTheBusiestPartitionIsKilled() throws Exception {
        Path dir = Files.createTempDirectory("mint-cluster-it-");
        try (KafkaProcessCluster cluster = KafkaProcessCluster.start(dir, 3, Duration.ofSeconds(90))) {
            PlatformConnection connection = new PlatformConnection(cluster.bootstrapServers(), "http://unused", null,
                    null, Map.of());
            try (ProbeLoad load = ProbeLoad.start(connection, "it", 5)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> load.acked() >= 200);
                int busiest = ProbeLoad.busiestPartition(connection);
                assertThat(busiest).isEqualTo(ProbeLoad.BUSIEST_PARTITION);
                KafkaNodeProcess leader = cluster.broker(cluster.leaderOf(ProbeLoad.TOPIC, busiest));
                int before = load.acked();
                leader.kill();
                assertThat(leader.alive()).isFalse();
                // the partition leads elsewhere and takes acks=all writes with two replicas in sync
                await().atMost(Duration.ofSeconds(60)).until(() -> load.acked() >= before + 200);
                assertThat(cluster.leaderOf(ProbeLoad.TOPIC, busiest)).isNotEqualTo(leader.nodeId());
                leader.start();
                cluster.awaitFullIsr(Set.of(ProbeLoad.TOPIC), Duration.ofSeconds(90));
                int rejoined = load.acked();
                await().atMost(Duration.ofSeconds(30)).until(() -> load.acked() >= rejoined + 100);
                load.stop();
                ProbeLoad.Counts counts = load.verify();
                System.out.printf("process cluster: %s%n", counts);
                assertThat(counts.failed()).as("sends the producer gave up on").isZero();
                assertThat(counts.lost()).as("acknowledged events not read back").isZero();
                assertThat(counts.duplicated()).as("events read back twice").isZero();
                assertThat(counts.consumed()).isEqualTo(counts.acked()).isEqualTo(counts.sent());
            }
        } finally {
            TestFiles.deleteTree(dir);
        }
    }
}
