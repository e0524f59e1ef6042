package ai.mint.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.topics.Topics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private final KafkaClients clients = KafkaClients.of(new PlatformConnection("b1:9092,b2:9092", "mock://k", null,
            null, Map.of("security.protocol", "SASL_SSL", "compression.type", "zstd", "linger.ms", "20")));

    @Test
    void shouldLayerDefaultsThenTheConnectionThenTheCaller() {
        Map<String, Object> producer = clients.producerConfig("p-1", Map.of("linger.ms", 0));

        assertThat(producer).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("security.protocol", "SASL_SSL") // the connection's
                .containsEntry("compression.type", "zstd")      // the connection's over the default lz4
                .containsEntry("linger.ms", 0)                  // the caller's over the connection's
                .containsEntry("client.id", "p-1")
                .containsEntry("bootstrap.servers", "b1:9092,b2:9092");
    }

    @Test
    void shouldGiveEveryClientKindTheConnectionsProperties() {
        assertThat(clients.consumerConfig("c", Map.of("group.id", "g"))).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("group.id", "g").containsEntry("enable.auto.commit", false)
                .containsEntry("isolation.level", "read_committed");
        assertThat(clients.adminConfig("a")).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "b1:9092,b2:9092");
    }

    @Test
    void shouldBoundProducerRequestsToWhatTopicsAccept() {
        Map<String, Object> defaults = KafkaClients.producerDefaults();

        assertThat(defaults.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)).isEqualTo(Topics.MAX_RECORD_BYTES);
        assertThat(defaults.get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("lz4");
        assertThat(Topics.ALL).allSatisfy(topic -> assertThat(topic.configs())
                .containsEntry("max.message.bytes", Integer.toString(Topics.MAX_RECORD_BYTES)));
    }
}
