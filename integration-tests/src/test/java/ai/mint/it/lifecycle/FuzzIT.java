package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.it.SharedPlatform;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 10,000 malformed records over every input topic of the catalog, orchestrator, scheduler and worker (random bytes, a
 * wrong magic byte, an unknown schema id, truncated Avro, valid Avro of another record type, a key that is not the
 * record's policy id, oversized values, null values), with valid traffic in between: a policy is created halfway, and
 * must still be trained, promoted and served. Every service that refuses a fuzz record dead-letters each one it
 * refused: per source topic and app, the dead letters match what was sent, none more, none missing.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzIT {

    private static final int RECORDS = 10_000;
    private static final int KINDS = 8;
    private static final String REWARD = "{\"type\":\"length_target\",\"target\":3,\"unit\":\"tokens\"}";
    /** The input topics; the compacted catalog and heartbeat topics and the work topics are written by services only. */
    private static final List<TopicSpec> INPUTS = List.of(Topics.POLICY_SPECS, Topics.ROLLOUT_REQUESTS,
            Topics.ROLLOUT_RESULTS, Topics.UPDATE_REQUESTS, Topics.UPDATE_RESULTS, Topics.EXPORT_REQUESTS,
            Topics.EXPORT_RESULTS, Topics.EVAL_REQUESTS, Topics.EVAL_RESULTS, Topics.SERVE_REQUESTS,
            Topics.ROLLBACK_REQUESTS, Topics.INFERENCE_REQUESTS, Topics.METRICS);

    private LifecycleHarness harness;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new LifecycleHarness(platform);
    }

    @AfterAll
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void shouldDeadLetterEveryMalformedRecordPerTopicAndKeepAnsweringValidTraffic() throws Exception {
        String prefix = "fuzz-" + harness.runId + "-";
        String policy = "it-fuzz-" + harness.runId;
        AvroEventSerializer<SpecificRecord> avro = new AvroEventSerializer<>(
                ai.mint.registry.SchemaRegistryClients.fromUrl(harness.platform.schemaRegistryUrl()));
        Random random = new Random(13);
        Map<String, Integer> sent = new TreeMap<>();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.of(harness.platform.connection())
                .producer("it-fuzz", new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                if (i == RECORDS / 2) { // valid traffic in the middle of the storm
                    harness.client.createPolicy(LifecycleHarness.spec(policy, 2, REWARD)).get(60, TimeUnit.SECONDS);
                }
                TopicSpec topic = INPUTS.get(i % INPUTS.size());
                String key = prefix + i;
                producer.send(new ProducerRecord<>(topic.name(), key, malformed(i / INPUTS.size() % KINDS, topic, key,
                        avro, random)));
                sent.merge(topic.name(), 1, Integer::sum);
            }
            producer.flush();
        }

        CatalogEntry served = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> harness.client.policy(policy).filter(e -> "step-0002".equals(e.getServingRevision()))
                        .orElse(null), e -> e != null);
        assertThat(served.getRevisions()).hasSize(2);
        InferenceResponse answer = harness.client.sample(policy, "ab",
                SamplingParams.newBuilder().setMaxTokens(3).setTemperature(0).build(), null).get(90, TimeUnit.SECONDS);
        assertThat(answer.getError()).isNull();
        assertThat(answer.getRevision()).isEqualTo("step-0002");

        Map<String, Map<String, Long>> letters = await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2)).until(() -> deadLetters(prefix),
                        byTopic -> INPUTS.stream().allMatch(t -> byTopic.containsKey(t.name())
                                && byTopic.get(t.name()).values().stream()
                                .allMatch(n -> n == sent.get(t.name()).longValue())));
        System.out.println("fuzz: sent per topic " + sent + "; dead letters per topic and app " + letters);
        for (TopicSpec topic : INPUTS) {
            assertThat(letters.get(topic.name())).as(topic.name()).isNotEmpty()
                    .allSatisfy((app, n) -> assertThat(n).as(topic.name() + " by " + app)
                            .isEqualTo(sent.get(topic.name()).longValue()));
        }
    }

    /** Dead letters of fuzz records (by their keys), distinct by source record and app, per topic and app. */
    private Map<String, Map<String, Long>> deadLetters(String prefix) {
        List<DeadLetter> all = TopicReader.readAll(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl(), Topics.DEAD_LETTER.name(), DeadLetter.class,
                d -> d.getPolicyId().startsWith(prefix));
        return all.stream().collect(Collectors.groupingBy(DeadLetter::getSourceTopic, TreeMap::new,
                Collectors.collectingAndThen(Collectors.toMap(
                        d -> d.getApp() + "/" + d.getSourcePartition() + "/" + d.getSourceOffset(), DeadLetter::getApp,
                        (a, b) -> a), m -> m.values().stream().collect(Collectors.groupingBy(a -> a, TreeMap::new,
                        Collectors.counting())))));
    }

    /** One malformed value of kind {@code kind} for {@code topic}. */
    private static byte[] malformed(int kind, TopicSpec topic, String key, AvroEventSerializer<SpecificRecord> avro,
                                    Random random) {
        byte[] valid = avro.serialize(topic.name(), SampleEvents.sample(topic, key));
        return switch (kind) {
            case 0 -> { // random bytes
                byte[] bytes = new byte[1 + random.nextInt(200)];
                random.nextBytes(bytes);
                bytes[0] = (byte) (1 + random.nextInt(200));
                yield bytes;
            }
            case 1 -> { // the event with a wrong magic byte
                byte[] bytes = valid.clone();
                bytes[0] = 7;
                yield bytes;
            }
            case 2 -> { // an unknown schema id
                byte[] bytes = valid.clone();
                ByteBuffer.wrap(bytes, 1, 4).putInt(900_000 + random.nextInt(1000));
                yield bytes;
            }
            case 3 -> Arrays.copyOf(valid, 5 + (valid.length - 5) / 2); // truncated Avro
            // another record type: its schema id is registered under its own topic's subject (this topic's
            // subject refuses it as incompatible)
            case 4 -> avro.serialize(other(topic).name(), SampleEvents.sample(other(topic), key));
            case 5 -> avro.serialize(topic.name(), SampleEvents.sample(topic, "someone-else")); // key is not its policy
            case 6 -> { // oversized: far past any event, under the record bound (a few of them)
                byte[] bytes = new byte[random.nextInt(40) == 0 ? 1_500_000 : 20_000];
                random.nextBytes(bytes);
                bytes[0] = 0;
                yield bytes;
            }
            default -> null; // a null value
        };
    }

    private static TopicSpec other(TopicSpec topic) {
        return topic.equals(Topics.METRICS) ? Topics.POLICY_SPECS : Topics.METRICS;
    }
}
