package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.DeadLetter;
import ai.mint.it.SharedPlatform;
import ai.mint.it.TestFiles;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The record-size bound on the real broker: producers refuse what is over it with a message naming the size, topics
 * take what is under it (well above Kafka's 1 MiB default), and a refused record near the bound yields a dead letter
 * that keeps a bounded prefix and the record's coordinates.
 */
@ExtendWith(SharedPlatform.class)
class RecordBoundIT {

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes); // incompressible: lz4 cannot shrink it under the bound
        return bytes;
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedPlatform platform) {
        return KafkaClients.of(platform.connection()).producer("it-record-bound", new StringSerializer(),
                new ByteArraySerializer());
    }

    @Test
    void shouldRefuseARecordAboveTheBoundAndTakeOneJustBelowIt(EmbeddedPlatform platform) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(platform)) {
            ProducerRecord<String, byte[]> over = new ProducerRecord<>(Topics.METRICS.name(), "p",
                    random(Topics.MAX_RECORD_BYTES + 1));
            assertThatThrownBy(() -> producer.send(over).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class)
                    .hasMessageContaining("max.request.size").hasMessageContaining(
                            Integer.toString(Topics.MAX_RECORD_BYTES));

            RecordMetadata under = producer.send(new ProducerRecord<>(Topics.METRICS.name(), "p",
                    random(Topics.MAX_RECORD_BYTES - 1024))).get();
            assertThat(under.offset()).isNotNegative();
        }
    }

    @Test
    void shouldDeadLetterARecordNearTheBoundWithABoundedPrefixAndItsCoordinates(EmbeddedPlatform platform)
            throws Exception {
        Path dir = Files.createTempDirectory("mint-record-bound-it-");
        String policy = "it-bound-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] garbage = random(Topics.MAX_RECORD_BYTES - 1024);
        garbage[0] = 9; // not the wire format's magic byte
        try (RunningCatalog ignored = CatalogApp.start(new CatalogConfig(Map.of(
                CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                CatalogConfig.APPLICATION_ID, "it-bound-" + policy,
                CatalogConfig.STATE_DIR, dir.toString(),
                CatalogConfig.HTTP_PORT, 0)));
             KafkaProducer<String, byte[]> producer = producer(platform)) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.SERVE_REQUESTS.name(), policy, garbage))
                    .get();

            List<DeadLetter> letters = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                            Topics.DEAD_LETTER.name(), DeadLetter.class, d -> d.getPolicyId().equals(policy)),
                            l -> !l.isEmpty());

            DeadLetter letter = letters.get(0);
            assertThat(letter.getErrorClass()).isEqualTo("UNDESERIALIZABLE");
            assertThat(letter.getSourceTopic()).isEqualTo(Topics.SERVE_REQUESTS.name());
            assertThat(letter.getSourcePartition()).isEqualTo(sent.partition());
            assertThat(letter.getSourceOffset()).isEqualTo(sent.offset());
            assertThat(letter.getValue().remaining()).isEqualTo(DeadLetters.DEFAULT_MAX_VALUE_BYTES);
            assertThat(letter.getValueTruncatedFrom()).isEqualTo((long) garbage.length);
            byte[] prefix = new byte[letter.getValue().remaining()];
            letter.getValue().duplicate().get(prefix);
            assertThat(prefix).isEqualTo(java.util.Arrays.copyOf(garbage, prefix.length));
        } finally {
            TestFiles.deleteTree(dir);
        }
    }
}
