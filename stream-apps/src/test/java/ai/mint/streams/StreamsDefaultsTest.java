package ai.mint.streams;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.feedback.FeedbackConfig;
import ai.mint.feedback.FeedbackJoinApp;
import ai.mint.monitoring.MonitorApp;
import ai.mint.monitoring.MonitorConfig;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class StreamsDefaultsTest {

    private static final Map<String, Object> CONNECTION = Map.of(
            PlatformConnection.BOOTSTRAP_SERVERS, "127.0.0.1:1",
            PlatformConnection.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1");

    @Test
    void shouldHaveEveryAppWithAPatternSourceRefreshItsTopicsWithinSeconds() {
        // the main consumer's settings as Kafka Streams derives them: Kafka's default (5 minutes) left a tenant
        // added while the catalog and the scheduler ran unread that long
        assertThat(mainConsumerMetadataMaxAge(CatalogApp.streamsConfig(new CatalogConfig(CONNECTION),
                new HostInfo("127.0.0.1", 1)))).isEqualTo(StreamsDefaults.TOPIC_DISCOVERY_MS);
        assertThat(mainConsumerMetadataMaxAge(SchedulerApp.streamsConfig(new SchedulerConfig(CONNECTION))))
                .isEqualTo(StreamsDefaults.TOPIC_DISCOVERY_MS);
        assertThat(mainConsumerMetadataMaxAge(MonitorApp.streamsConfig(new MonitorConfig(CONNECTION))))
                .isEqualTo(StreamsDefaults.TOPIC_DISCOVERY_MS);
        assertThat(mainConsumerMetadataMaxAge(FeedbackJoinApp.streamsConfig(new FeedbackConfig(CONNECTION))))
                .isEqualTo(5_000);
    }

    @Test
    void shouldLetTheConnectionsPropertiesChooseAnotherRefresh() {
        PlatformConnection connection = new PlatformConnection("127.0.0.1:1", "http://127.0.0.1:1", null, null,
                Map.of(StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), "60000"));
        Properties props = StreamsDefaults.base(connection, "app", Path.of("/tmp/unused"), 1);
        assertThat(mainConsumerMetadataMaxAge(props)).isEqualTo(60_000);
    }

    private static int mainConsumerMetadataMaxAge(Properties props) {
        // a value given as text (connection file) or as a number (our defaults)
        return Integer.parseInt(String.valueOf(new StreamsConfig(props).getMainConsumerConfigs("group", "client", 0)
                .get(ConsumerConfig.METADATA_MAX_AGE_CONFIG)));
    }
}
