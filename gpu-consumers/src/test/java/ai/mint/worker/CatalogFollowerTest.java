package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClients;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The topic-replay catalog keeps trying while the cluster does not answer, instead of giving up for good. */
class CatalogFollowerTest {

    @Test
    void shouldKeepFollowingWhileTheClusterDoesNotAnswerAndStopWhenClosed() throws Exception {
        int silentPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            silentPort = probe.getLocalPort(); // free again once closed: nothing listens there
        }
        // metadata requests time out after 200 ms, as they do against a broker that is restarting
        PlatformConnection connection = PlatformConnection.of("127.0.0.1:" + silentPort, "mock://follower-test")
                .withKafkaProperties(Map.of("default.api.timeout.ms", "200"));
        CatalogFollower follower = new CatalogFollower(KafkaClients.of(connection),
                SchemaRegistryClients.fromUrl("mock://follower-test"), "follower-test",
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(1)));
        follower.start();
        Thread.sleep(1500); // several metadata timeouts

        assertThat(follower.alive()).as("still trying after repeated metadata timeouts").isTrue();
        follower.close();
        assertThat(follower.alive()).as("stopped by close").isFalse();
    }
}
