package ai.mint.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.ids.EventIds;
import ai.mint.events.DeadLetter;
import ai.mint.events.Feedback;
import ai.mint.events.FeedbackExample;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FeedbackJoinTopologyTest {

    private static final String P = "policy-a";
    private static final String REPLIES = Topics.inferenceReplies("gw-1").name();
    private static final long WINDOW_MS = 60_000;
    private static final long GRACE_MS = 5_000;
    private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");

    private final FeedbackTopics topics = FeedbackTopics.defaults();
    private final String registryName = "feedback-test-" + UUID.randomUUID();
    private SchemaRegistryClient registry;
    private AvroEventSerializer<SpecificRecord> serializer;
    private TopologyTestDriver driver;

    @BeforeEach
    void start() {
        registry = SchemaRegistryClients.fromUrl("mock://" + registryName);
        serializer = new AvroEventSerializer<>(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "feedback-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(FeedbackJoinApp.buildTopology(topics,
                new FeedbackWindow(WINDOW_MS, GRACE_MS, 1_000), registry, "feedback", false), props, T0);
    }

    @AfterEach
    void stop() {
        driver.close();
        SchemaRegistryClients.dropMock(registryName);
    }

    @Test
    void shouldJoinFeedbackWithTheResponseOnAReplyTopicIntoAnExampleWithItsTokensLogProbsAndReward() {
        InferenceResponse response = response("r1", "rev-7", T0);
        pipe(REPLIES, response, T0);
        Feedback feedback = feedback("r1", 0.5, T0.plusSeconds(30));
        pipe(topics.feedback(), feedback, T0.plusSeconds(30));

        List<FeedbackExample> examples = examples();
        assertThat(examples).hasSize(1);
        FeedbackExample example = examples.get(0);
        assertThat(example.getEventId()).isEqualTo(EventIds.derived(feedback.getEventId(), "feedback-example"));
        assertThat(example.getPolicyId()).isEqualTo(P);
        assertThat(example.getRequestId()).isEqualTo("r1");
        assertThat(example.getRevision()).isEqualTo("rev-7");
        assertThat(example.getPromptTokens()).isEqualTo(response.getPromptTokenIds());
        assertThat(example.getCompletionTokens()).isEqualTo(response.getCompletionTokens());
        assertThat(example.getLogprobs()).isEqualTo(response.getLogprobs());
        assertThat(example.getReward()).isEqualTo(0.5);
        assertThat(example.getFeedbackTime()).isEqualTo(feedback.getTime().toEpochMilli());
        assertThat(example.getPreferredCompletion()).isEqualTo("a better answer");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void shouldJoinFeedbackThatCameBeforeItsResponseWithinTheGrace() {
        pipe(topics.feedback(), feedback("r1", -1.0, T0), T0);
        driver.advanceWallClockTime(Duration.ofMillis(GRACE_MS - 1_000));
        assertThat(examples()).isEmpty();

        pipe(Topics.INFERENCE_RESPONSES.name(), response("r1", "rev-1", T0), T0);

        assertThat(examples()).singleElement().satisfies(e -> assertThat(e.getReward()).isEqualTo(-1.0));
        driver.advanceWallClockTime(Duration.ofMillis(GRACE_MS * 2));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void shouldDeadLetterFeedbackWhoseResponseNeverCameAsAnUnknownRequestAfterTheGrace() {
        pipe(topics.feedback(), feedback("nobody-asked", 1.0, T0), T0);
        driver.advanceWallClockTime(Duration.ofMillis(GRACE_MS - 1_000));
        assertThat(deadLetters()).isEmpty();

        driver.advanceWallClockTime(Duration.ofMillis(2_000));

        DeadLetter letter = singleDeadLetter(FeedbackJoin.UNKNOWN_REQUEST);
        assertThat(letter.getReason()).contains("nobody-asked");
        assertThat(letter.getSourceTopic()).isEqualTo(topics.feedback());
        // a response after the verdict does not bring the feedback back
        pipe(REPLIES, response("nobody-asked", "rev-1", T0), T0);
        assertThat(examples()).isEmpty();
    }

    @Test
    void shouldDeadLetterASecondFeedbackForARequestAndDropTheSameFeedbackDeliveredAgain() {
        pipe(REPLIES, response("r1", "rev-1", T0), T0);
        Feedback first = feedback("r1", 1.0, T0.plusSeconds(1));
        pipe(topics.feedback(), first, T0.plusSeconds(1));
        pipe(topics.feedback(), first, T0.plusSeconds(1));
        assertThat(examples()).hasSize(1);
        assertThat(deadLetters()).isEmpty();

        pipe(topics.feedback(), feedback("r1", -1.0, T0.plusSeconds(2)), T0.plusSeconds(2));

        assertThat(examples()).isEmpty();
        assertThat(singleDeadLetter(FeedbackJoin.DUPLICATE_FEEDBACK).getReason()).contains(first.getEventId());
    }

    @Test
    void shouldDeadLetterFeedbackPastTheWindowAndJoinFeedbackAtItsEdge() {
        pipe(REPLIES, response("r1", "rev-1", T0), T0);
        pipe(REPLIES, response("r2", "rev-1", T0), T0);

        pipe(topics.feedback(), feedback("r1", 1.0, T0.plusMillis(WINDOW_MS)), T0.plusMillis(WINDOW_MS));
        pipe(topics.feedback(), feedback("r2", 1.0, T0.plusMillis(WINDOW_MS + 1)), T0.plusMillis(WINDOW_MS + 1));

        assertThat(examples()).singleElement().satisfies(e -> assertThat(e.getRequestId()).isEqualTo("r1"));
        assertThat(singleDeadLetter(FeedbackJoin.FEEDBACK_TOO_LATE).getReason()).contains("r2")
                .contains((WINDOW_MS + 1) + " ms");
    }

    @Test
    void shouldDeadLetterFeedbackOnAnErrorResponse() {
        pipe(REPLIES, InferenceResponse.newBuilder(response("r1", "", T0)).setError("worker lost its disk")
                .setErrorCode("internal").setCompletionTokens(List.of()).setLogprobs(List.of()).build(), T0);

        pipe(topics.feedback(), feedback("r1", 1.0, T0), T0);

        assertThat(examples()).isEmpty();
        assertThat(singleDeadLetter(FeedbackJoin.ERROR_RESPONSE).getReason()).contains("worker lost its disk");
    }

    @Test
    void shouldDeadLetterAScoreOutsideMinusOneToOneWithoutClaimingTheRequest() {
        pipe(REPLIES, response("r1", "rev-1", T0), T0);

        pipe(topics.feedback(), feedback("r1", 1.5, T0), T0);
        pipe(topics.feedback(), feedback("r1", Double.NaN, T0), T0);

        List<DeadLetter> letters = deadLetters();
        assertThat(letters).hasSize(2).allSatisfy(l -> assertThat(l.getErrorClass())
                .isEqualTo(FeedbackJoin.SCORE_OUT_OF_RANGE));
        assertThat(letters.get(0).getReason()).contains("1.5");
        pipe(topics.feedback(), feedback("r1", 1.0, T0), T0);
        assertThat(examples()).hasSize(1);
    }

    @Test
    void shouldDeadLetterFeedbackFromAnotherTenantThanTheRequests() {
        pipe(topics.requests(), request("r1", "acme"), T0);
        pipe(topics.requests(), request("r2", "acme"), T0);
        pipe(REPLIES, response("r1", "rev-1", T0), T0);
        pipe(REPLIES, response("r2", "rev-1", T0), T0);

        pipe(topics.feedback(), Feedback.newBuilder(feedback("r1", 1.0, T0)).setTenant("globex").build(), T0);
        pipe(topics.feedback(), Feedback.newBuilder(feedback("r2", 1.0, T0)).setTenant("acme").build(), T0);

        assertThat(examples()).singleElement().satisfies(e -> assertThat(e.getRequestId()).isEqualTo("r2"));
        assertThat(singleDeadLetter(FeedbackJoin.TENANT_MISMATCH).getReason()).contains("globex").contains("acme");
    }

    @Test
    void shouldDeadLetterFeedbackOnAResponseWithoutItsPromptTokens() {
        pipe(REPLIES, InferenceResponse.newBuilder(response("r1", "rev-1", T0)).setPromptTokenIds(List.of()).build(),
                T0);

        pipe(topics.feedback(), feedback("r1", 1.0, T0), T0);

        assertThat(examples()).isEmpty();
        assertThat(singleDeadLetter(FeedbackJoin.INCOMPLETE_RESPONSE).getReason()).contains("0 prompt tokens");
    }

    @Test
    void shouldDeadLetterFeedbackThatDoesNotDecodeAndGoOn() {
        driver.createInputTopic(topics.feedback(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(P, new byte[]{0, 0, 0, 0, 42, 1, 2}, T0);
        pipe(REPLIES, response("r1", "rev-1", T0), T0);
        pipe(topics.feedback(), feedback("r1", 1.0, T0), T0);

        assertThat(deadLetters()).singleElement().satisfies(l -> assertThat(l.getErrorClass())
                .isNotIn(FeedbackJoin.UNKNOWN_REQUEST, FeedbackJoin.DUPLICATE_FEEDBACK));
        assertThat(examples()).hasSize(1);
    }

    private InferenceResponse response(String requestId, String revision, Instant time) {
        return InferenceResponse.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(time)
                .setRequestId(requestId).setRevision(revision).setWorkerId("worker-0").setCompletionText(" yes.")
                .setCompletionTokens(List.of(331, 13, 50256)).setLogprobs(List.of(-0.7f, -0.1f, -2.25f))
                .setFinishReason("stop").setLatencyMs(12).setPromptTokens(4)
                .setPromptTokenIds(List.of(7, 8, 9, 10)).build();
    }

    private Feedback feedback(String requestId, double score, Instant time) {
        return Feedback.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(time)
                .setRequestId(requestId).setTenant(null).setScore(score).setPreferredCompletion("a better answer")
                .setSource("test").build();
    }

    private InferenceRequest request(String requestId, String tenant) {
        return InferenceRequest.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(T0)
                .setRequestId(requestId).setTenant(tenant).setPrompt("Is it?")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(3).setTemperature(1.0).build()).build();
    }

    private void pipe(String topic, SpecificRecord event, Instant time) {
        driver.createInputTopic(topic, new StringSerializer(), serializer).pipeInput(P, event, time);
    }

    private List<FeedbackExample> examples() {
        return read(topics.examples(), FeedbackExample.class);
    }

    private List<DeadLetter> deadLetters() {
        return read(topics.deadLetter(), DeadLetter.class);
    }

    private <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        TestOutputTopic<String, T> out = driver.createOutputTopic(topic, new StringDeserializer(),
                new AvroEventDeserializer<>(registry, type));
        return out.readValuesToList();
    }

    private DeadLetter singleDeadLetter(String errorClass) {
        List<DeadLetter> letters = deadLetters();
        assertThat(letters).as("dead letters").hasSize(1);
        assertThat(letters.get(0).getErrorClass()).isEqualTo(errorClass);
        return letters.get(0);
    }
}
