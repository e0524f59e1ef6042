package ai.mint.it;

import ai.mint.platform.EmbeddedPlatform;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every event type through the real broker and the real registry: the bytes on the topic are in the Confluent wire
 * format and the registry, asked over its own REST API, resolves their id to exactly that event's schema.
 */
@ExtendWith(SharedPlatform.class)
class EventRoundTripIT {

    static final List<TopicSpec> ALL_TOPICS = Topics.ALL;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @FieldSource("ALL_TOPICS")
    void shouldRoundTripTheEventInTheConfluentWireFormat(TopicSpec topic, EmbeddedPlatform platform) throws Exception {
        SchemaRegistryClient registry = SchemaRegistryClients.fromUrl(platform.schemaRegistryUrl());
        String policy = "roundtrip-" + UUID.randomUUID();
        SpecificRecord sent = SampleEvents.sample(topic, policy);

        RecordMetadata written = Events.send(platform.bootstrapServers(), registry, topic, policy, sent);
        ConsumerRecord<String, byte[]> read = Events.readAt(platform.bootstrapServers(), topic.name(),
                written.partition(), written.offset());

        byte[] bytes = read.value();
        assertThat(read.key()).isEqualTo(policy);
        assertThat(bytes[0]).as("magic byte").isZero();
        int schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(schemaById(platform.schemaRegistryUrl(), schemaId))
                .as("schema %d as the registry's REST API returns it", schemaId)
                .isEqualTo(TopicTypes.valueSchema(topic));
        assertThat(Events.deserialize(topic, bytes, registry)).isEqualTo(sent);
    }

    /** GET /schemas/ids/{id}, answered by the registry itself (not through our client or its cache). */
    private static Schema schemaById(String registryUrl, int id) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /schemas/ids/%d: %s", id, response.body()).isEqualTo(200);
        return new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
    }
}
