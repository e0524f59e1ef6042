package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.RetriableDecodeException;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.SamplingParams;
import ai.mint.registry.InMemorySchemaRegistry;
import ai.mint.registry.OutageRegistry;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import ai.mint.worker.store.FilesystemAdapterStore;
import ai.mint.worker.store.StoredArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a worker treats what it reads: a registry outage is retried and never turns valid requests into dead letters,
 * while bad input is dead-lettered with its reason. A real micro model answers; only the broker is replaced (Kafka's
 * MockProducer records what the worker publishes).
 */
class RequestDecodingTest {

    private static final String BASE = "micro";
    private static final String TOPIC = Topics.INFERENCE_REQUESTS.name();
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4),
            Duration.ofSeconds(5));

    @TempDir
    Path tmp;

    private final OutageRegistry registry = new OutageRegistry(new InMemorySchemaRegistry());
    private final AvroEventSerializer<SpecificRecord> serializer = new AvroEventSerializer<>(registry);
    private MockProducer<String, SpecificRecord> published;
    private ModelRuntime runtime;
    private WorkContext ctx;
    private WorkerOutputs outputs;

    @BeforeEach
    void setUp() throws Exception {
        Path baseDir = tmp.resolve(BASE);
        ModelConfig config = TestModels.microDense();
        BaseModelInitializer.write(baseDir, config, 3L, DType.F32);
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("store"));
        Path adapter = Files.createDirectories(tmp.resolve("rev-a"));
        PeftAdapterIo.write(adapter, LoraWeights.random(config, EnumSet.allOf(Projection.class), 4, 8f, 1L, true),
                config);
        StoredArtifact stored = store.put("p", "sampler", "rev-a", adapter);
        runtime = ModelRuntime.open(baseDir, "cpu", store, BASE);
        CatalogFollower catalog = new CatalogFollower(KafkaClients.of(PlatformConnection.of("127.0.0.1:1",
                "mock://decoding-test")), registry, "decoding-test", FAST); // never started: entries handed in
        catalog.accept(entry(RevisionInfo.newBuilder().setRevision("rev-a").setStep(1).setRank(4)
                .setAdapterUri(stored.uri()).setSha256(stored.sha256()).setBytes(stored.bytes())
                .setState(RevisionState.SERVING).setEvalScores(Map.of()).setCreatedAt(Instant.EPOCH)
                .setProducedBy("t").build()));
        ctx = new WorkContext("w", runtime, catalog, Duration.ofMillis(10));
        published = new MockProducer<>(true, null, new StringSerializer(), serializer);
        outputs = new WorkerOutputs(published, "w", 16);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
        runtime.close();
    }

    private InferenceProcessor processor(RetryPolicy retry) {
        return new InferenceProcessor(outputs, registry, retry, new InferenceHandler(ctx));
    }

    @Test
    void shouldAnswerARequestOnceTheRegistryIsBackInsteadOfDeadLetteringIt() {
        List<ConsumerRecord<String, byte[]>> poll = List.of(record(0, "p", serializer.serialize(TOPIC, request("1"))));
        registry.down();
        InferenceProcessor impatient = processor(new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(30)));

        // the request loop catches this, rewinds to the last commit and polls the same records again
        assertThatThrownBy(() -> impatient.process(poll).join()).isInstanceOf(RetriableDecodeException.class);
        assertThat(published.history()).isEmpty();

        registry.up();
        impatient.process(poll).join();

        assertThat(events(DeadLetter.class)).isEmpty();
        assertThat(events(InferenceResponse.class)).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo("1");
            assertThat(r.getError()).isNull();
            assertThat(r.getRevision()).isEqualTo("rev-a");
        });
    }

    @Test
    void shouldRideOutAShortOutageWithinOnePoll() {
        byte[] bytes = serializer.serialize(TOPIC, request("2"));
        registry.failNext(3);

        processor(FAST).process(List.of(record(0, "p", bytes))).join();

        assertThat(registry.refused()).isEqualTo(3);
        assertThat(events(DeadLetter.class)).isEmpty();
        assertThat(events(InferenceResponse.class)).extracting(InferenceResponse::getRequestId).containsExactly("2");
    }

    @Test
    void shouldDeadLetterBadInputWithItsReasonAndAnswerTheRestOfThePoll() {
        byte[] good = serializer.serialize(TOPIC, request("3"));
        byte[] garbage = new byte[64];
        garbage[0] = 9;

        processor(FAST).process(List.of(record(0, "p", garbage), record(1, "someone-else", good),
                record(2, "p", good))).join();

        List<DeadLetter> letters = events(DeadLetter.class);
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactly("UNDESERIALIZABLE", "KEY_MISMATCH");
        assertThat(letters.get(0).getReason()).contains("wrong magic byte 0x09");
        assertThat(letters.get(0).getSourceOffset()).isZero();
        assertThat(letters.get(0).getValue().remaining()).isEqualTo(16); // bounded prefix of the 64 bytes
        assertThat(letters.get(0).getValueTruncatedFrom()).isEqualTo(64L);
        assertThat(letters.get(1).getReason()).contains("record key 'someone-else' is not its policy_id 'p'");
        assertThat(events(InferenceResponse.class)).extracting(InferenceResponse::getRequestId).containsExactly("3");
    }

    @Test
    void shouldDeadLetterARequestWhoseReplyTopicIsGoneOrNotAReplyTopicAndAnswerTheRest() {
        InferenceProcessor noReplyTopicExists = new InferenceProcessor(outputs, registry, FAST,
                new InferenceHandler(ctx), topics -> java.util.Set.of());
        byte[] gone = serializer.serialize(TOPIC, replyingTo("4", "mint.inference.replies.gone"));
        byte[] elsewhere = serializer.serialize(TOPIC, replyingTo("5", Topics.CATALOG.name()));
        byte[] plain = serializer.serialize(TOPIC, request("6"));

        noReplyTopicExists.process(List.of(record(0, "p", gone), record(1, "p", elsewhere), record(2, "p", plain)))
                .join();

        List<DeadLetter> letters = events(DeadLetter.class);
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsOnly("UNREACHABLE_REPLY_TOPIC");
        assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L);
        assertThat(letters.get(0).getReason()).contains("mint.inference.replies.gone does not exist");
        assertThat(letters.get(1).getReason()).contains("is not an inference reply topic");
        assertThat(events(InferenceResponse.class)).extracting(InferenceResponse::getRequestId).containsExactly("6");
        // nothing was written where the requests asked: one topic is gone, the other is not theirs to write
        assertThat(published.history()).extracting(r -> r.topic())
                .doesNotContain("mint.inference.replies.gone", Topics.CATALOG.name());
    }

    @Test
    void shouldDeadLetterAnAnswerTheBrokerRefusesWithoutGeneratingTheBatchAgain() {
        String refusing = "mint.inference.replies.refusing";
        MockProducer<String, SpecificRecord> failing = new MockProducer<>(true, null, new StringSerializer(),
                serializer) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    org.apache.kafka.clients.producer.ProducerRecord<String, SpecificRecord> record,
                    org.apache.kafka.clients.producer.Callback callback) {
                if (record.topic().equals(refusing)) {
                    RuntimeException refused = new org.apache.kafka.common.errors.RecordTooLargeException("too big");
                    callback.onCompletion(null, refused);
                    return java.util.concurrent.CompletableFuture.failedFuture(refused);
                }
                return super.send(record, callback);
            }
        };
        published = failing;
        outputs = new WorkerOutputs(failing, "w", 16);

        processor(FAST).process(List.of(record(0, "p", serializer.serialize(TOPIC, replyingTo("7", refusing))),
                record(1, "p", serializer.serialize(TOPIC, request("8"))))).join();

        assertThat(events(DeadLetter.class)).singleElement().satisfies(letter -> {
            assertThat(letter.getSourceOffset()).isZero();
            assertThat(letter.getReason()).contains("request 7 could not be published to " + refusing)
                    .contains("too big");
        });
        // the batch completed: request 8 was answered once, not generated and sent again
        assertThat(events(InferenceResponse.class)).extracting(InferenceResponse::getRequestId).containsExactly("8");
    }

    private static InferenceRequest replyingTo(String id, String replyTopic) {
        return InferenceRequest.newBuilder(request(id)).setReplyTopic(replyTopic).build();
    }

    private <T> List<T> events(Class<T> type) {
        List<T> events = new ArrayList<>();
        published.history().stream().map(r -> r.value()).filter(type::isInstance).map(type::cast).forEach(events::add);
        return events;
    }

    private static ConsumerRecord<String, byte[]> record(long offset, String key, byte[] value) {
        return new ConsumerRecord<>(TOPIC, 0, offset, key, value);
    }

    private static InferenceRequest request(String id) {
        return InferenceRequest.newBuilder().setEventId("evt-" + id).setPolicyId("p").setTime(Instant.EPOCH)
                .setRequestId(id).setPrompt("hello")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(3).setTemperature(0).build()).build();
    }

    private static CatalogEntry entry(RevisionInfo revision) {
        PolicySpec spec = PolicySpec.newBuilder().setEventId("s").setPolicyId("p").setTime(Instant.EPOCH)
                .setBaseModel(BASE).setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of())
                        .build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"a\"}").build();
        return CatalogEntry.newBuilder().setEventId("e").setPolicyId("p").setTime(Instant.EPOCH).setSpec(spec)
                .setRevisions(new ArrayList<>(List.of(revision))).setServingRevision("rev-a")
                .setHistory(new ArrayList<>()).setUpdatedAt(Instant.EPOCH).build();
    }
}
