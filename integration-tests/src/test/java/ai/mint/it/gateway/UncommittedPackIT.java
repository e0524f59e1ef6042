package ai.mint.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkKind;
import ai.mint.it.SharedPlatform;
import ai.mint.it.lifecycle.TopicReader;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workers take a pack when the scheduler sends it, not one exactly-once commit later (the commit was a third of the
 * Kafka time of a gateway request): on the serving path of the gateway tests, the test plays a scheduler whose
 * transaction is still open, and the worker answers the pack while a read_committed reader cannot see it yet.
 */
@ExtendWith(SharedPlatform.class)
class UncommittedPackIT {

    static final SamplingParams GREEDY = SamplingParams.newBuilder().setMaxTokens(4).setTemperature(0).build();

    @Test
    void shouldAnswerAPackWhoseTransactionIsStillOpen(EmbeddedPlatform platform) throws Exception {
        try (GatewayHarness h = new GatewayHarness(platform)) {
            String policy = h.policy("uncommitted");
            h.policy(policy, "acme", true);
            // through the scheduler first: the worker is up and the client's reply topic exists
            assertThat(h.client.sample(policy, "warm", GREEDY, null).get(60, TimeUnit.SECONDS).getError()).isNull();

            String requestId = "uncommitted-" + h.runId;
            String packId = "pack-" + requestId;
            String workTopic = Topics.workTopic(h.workerId).name();
            String replyTopic = h.client.inferenceReplyTopic();
            InferenceRequest request = InferenceRequest.newBuilder().setEventId("evt-" + requestId)
                    .setPolicyId(policy).setTime(Instant.now()).setRequestId(requestId).setRevision("rev-1")
                    .setPrompt("hello").setSampling(GREEDY).setReplyTopic(replyTopic).build();
            WorkItem pack = WorkItem.newBuilder().setEventId("evt-" + packId).setPolicyId(policy)
                    .setTime(Instant.now()).setPackId(packId).setKind(WorkKind.PACK)
                    .setWorkerId(h.workerId).setWorkerInstance(h.worker.instance()).setRevision("rev-1")
                    .setRequests(List.of(request)).setProducedBy("uncommitted-pack-it").build();

            Map<String, Object> transactional = KafkaClients.of(platform.connection()).producerConfig(
                    "it-uncommitted-" + h.runId, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                            "it-uncommitted-" + h.runId));
            try (KafkaProducer<String, SpecificRecord> scheduler = new KafkaProducer<>(transactional,
                    new StringSerializer(), new AvroEventSerializer<>(platform.connection().registry()))) {
                scheduler.initTransactions();
                scheduler.beginTransaction();
                scheduler.send(new ProducerRecord<>(workTopic, policy, pack)).get(30, TimeUnit.SECONDS);

                List<InferenceResponse> answers = await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                                replyTopic, InferenceResponse.class, r -> r.getRequestId().equals(requestId)),
                                list -> !list.isEmpty());
                assertThat(answers).singleElement().satisfies(a -> {
                    assertThat(a.getError()).isNull();
                    assertThat(a.getRevision()).isEqualTo("rev-1");
                    assertThat(a.getWorkerId()).isEqualTo(h.workerId);
                    assertThat(a.getCompletionTokens()).isNotEmpty();
                });
                assertThat(TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(), workTopic,
                        WorkItem.class, item -> item.getPackId().equals(packId)))
                        .as("the pack, to a read_committed reader while its transaction is open").isEmpty();
                scheduler.abortTransaction();
            }
        }
    }
}
