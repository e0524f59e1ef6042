package ai.mint.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.FeedbackExample;
import ai.mint.events.FeedbackTraining;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PolicyStatus;
import ai.mint.events.RolloutRequest;
import ai.mint.events.Trajectory;
import ai.mint.events.TrainingSpec;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The orchestrator's feedback steps: buffered examples -> off-policy update -> export -> eval, then idle again. */
class FeedbackTrainingTopologyTest {

    private static final String P = "policy-f";
    private final OrchestratorTopics topics = OrchestratorTopics.defaults();
    private final String registryName = "feedback-orchestrator-test-" + UUID.randomUUID();
    private SchemaRegistryClient registry;
    private AvroEventSerializer<SpecificRecord> serializer;
    private TopologyTestDriver driver;
    private int examples;

    @BeforeEach
    void start() {
        registry = SchemaRegistryClients.fromUrl("mock://" + registryName);
        serializer = new AvroEventSerializer<>(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orchestrator-feedback-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(OrchestratorConfig.DEADLINE_UPDATE_MS, 60_000);
        props.put(OrchestratorConfig.DEADLINE_CHECK_INTERVAL_MS, 1_000);
        driver = new TopologyTestDriver(OrchestratorApp.buildTopology(topics, registry, "orchestrator", false), props);
    }

    @AfterEach
    void stop() {
        driver.close();
        SchemaRegistryClients.dropMock(registryName);
    }

    @Test
    void shouldAccumulateABatchIntoOneOffPolicyUpdateThatCarriesTheLoggedLogprobsAndRewards() {
        pipe(topics.catalog(), entry(feedbackSpec(3, 8)));
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty(); // no GRPO spec, no rollouts

        FeedbackExample up = example(1.0, -0.5f, -1.25f);
        FeedbackExample down = example(-1.0, -2.0f, -0.125f);
        pipe(topics.feedbackExamples(), up);
        pipe(topics.feedbackExamples(), down);
        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();
        pipe(topics.feedbackExamples(), example(1.0, -0.75f, -3.0f));

        UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);
        assertThat(update.getLossFn()).isEqualTo("ppo");
        assertThat(update.getLoss().getClipLow()).isEqualTo(0.1);
        assertThat(update.getLoss().getClipHigh()).isEqualTo(0.1);
        assertThat(update.getLoss().getKlBeta()).isEqualTo(0.05);
        assertThat(update.getAdam().getLearningRate()).isEqualTo(0.02);
        assertThat(update.getStep()).isEqualTo(1);
        assertThat(update.getBaseRevision()).isEqualTo("tiny");
        assertThat(update.getTrajectories()).hasSize(3).extracting(Trajectory::getPromptIndex).containsOnly(0);
        Trajectory first = update.getTrajectories().get(0);
        assertThat(first.getLogprobs()).containsExactly(-0.5f, -1.25f);
        assertThat(first.getReward()).isEqualTo(1.0);
        assertThat(first.getPromptTokens()).isEqualTo(up.getPromptTokens());
        assertThat(first.getCompletionTokens()).isEqualTo(up.getCompletionTokens());
        assertThat(update.getTrajectories().get(1).getLogprobs()).containsExactly(-2.0f, -0.125f);
        assertThat(update.getTrajectories()).extracting(Trajectory::getReward).containsExactly(1.0, -1.0, 1.0);
    }

    @Test
    void shouldTakeTheRevisionThroughExportAndEvalAndTrainTheNextBatchFromIt() {
        pipe(topics.catalog(), entry(feedbackSpec(2, 8)));
        for (int i = 0; i < 2; i++) {
            pipe(topics.feedbackExamples(), example(1.0, -1f, -1f));
        }
        UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);
        // examples that come while the step runs wait for the next one
        pipe(topics.feedbackExamples(), example(-1.0, -2f, -2f));
        pipe(topics.feedbackExamples(), example(-1.0, -3f, -3f));
        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();

        pipe(topics.updateResults(), updateResult(update, "step-0001"));
        ExportRequest export = single(topics.exportRequests(), ExportRequest.class);
        assertThat(export.getRevision()).isEqualTo("step-0001");
        pipe(topics.exportResults(), exportResult(export));
        EvalRequest eval = single(topics.evalRequests(), EvalRequest.class);
        assertThat(eval.getRevision()).isEqualTo("step-0001");
        assertThat(eval.getEval().getMetric()).isEqualTo("reward");
        assertThat(eval.getEval().getPrompts()).containsExactly("e");
        pipe(topics.evalResults(), evalResult(eval));

        // the loop is idle again with a full batch waiting: the next update starts from the new revision
        UpdateRequest next = single(topics.updateRequests(), UpdateRequest.class);
        assertThat(next.getStep()).isEqualTo(2);
        assertThat(next.getBaseRevision()).isEqualTo("step-0001");
        assertThat(next.getTrajectories()).extracting(Trajectory::getReward).containsExactly(-1.0, -1.0);
        assertThat(next.getTrajectories().get(1).getLogprobs()).containsExactly(-3f, -3f);
        assertThat(buffered()).hasSize(2); // the first batch is gone, the second stays until its step finishes
        assertThat(loop().phase()).isEqualTo(LoopPhase.UPDATE);
        assertThat(loop().feedbackStep()).isTrue();
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
    }

    @Test
    void shouldSendTheSameExamplesAgainWhenTheUpdateIsLostAndFailAfterTheLastAttempt() {
        pipe(topics.catalog(), entry(feedbackSpec(2, 8)));
        pipe(topics.feedbackExamples(), example(1.0, -1f, -1f));
        pipe(topics.feedbackExamples(), example(-1.0, -2f, -2f));
        UpdateRequest first = single(topics.updateRequests(), UpdateRequest.class);

        pipe(topics.updateResults(), UpdateResult.newBuilder(updateResult(first, "step-0001"))
                .setError("worker lost its disk").build());
        UpdateRequest second = single(topics.updateRequests(), UpdateRequest.class);
        assertThat(second.getCorrelationId()).contains("try-1").isNotEqualTo(first.getCorrelationId());
        assertThat(second.getTrajectories()).isEqualTo(first.getTrajectories());
        assertThat(second.getStep()).isEqualTo(1);

        driver.advanceWallClockTime(Duration.ofSeconds(61)); // its result never comes: the stage deadline
        UpdateRequest third = single(topics.updateRequests(), UpdateRequest.class);
        assertThat(third.getCorrelationId()).contains("try-2");
        List<DeadLetter> letters = read(topics.deadLetter(), DeadLetter.class);
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactly(LoopProcessor.STAGE_DEADLINE);
        assertThat(letters.get(0).getReason()).contains(second.getCorrelationId()).contains("within 60000 ms");

        pipe(topics.updateResults(), UpdateResult.newBuilder(updateResult(third, "step-0001")).setError("again")
                .build());
        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();
        assertThat(loop().phase()).isEqualTo(LoopPhase.FAILED);
        assertThat(loop().failure()).contains("update of step 1: again").contains("3 attempts");
        assertThat(buffered()).hasSize(2); // kept: a new spec starts the loop again with them
        pipe(topics.catalog(), entry(PolicySpec.newBuilder(feedbackSpec(2, 8)).setEventId("spec-2").build()));
        assertThat(single(topics.updateRequests(), UpdateRequest.class).getCorrelationId()).contains("spec-2")
                .contains("try-0");
    }

    @Test
    void shouldIgnoreTheFeedbackOfAPolicyThatDidNotOptIn() {
        PolicySpec grpoOnly = PolicySpec.newBuilder(feedbackSpec(2, 8)).setFeedbackTraining(null)
                .setTraining(TrainingSpec.newBuilder().setPrompts(List.of("a")).setGroupSize(2).setSteps(1)
                        .setLearningRate(1e-3).setMaxTokens(8).setTemperature(1.0).setKlCoef(0).setSeed(7).build())
                .build();
        pipe(topics.catalog(), entry(grpoOnly));
        read(topics.rolloutRequests(), RolloutRequest.class);
        for (int i = 0; i < 4; i++) {
            pipe(topics.feedbackExamples(), example(1.0, -1f, -1f));
        }
        pipe("unknown-policy", topics.feedbackExamples(), example(1.0, -1f, -1f));

        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();
        assertThat(read(topics.deadLetter(), DeadLetter.class)).isEmpty();
        assertThat(buffered()).isEmpty();
    }

    @Test
    void shouldDeadLetterAnExampleTheUpdateCouldNotTrainOnAndKeepGoing() {
        pipe(topics.catalog(), entry(feedbackSpec(2, 8)));
        FeedbackExample short1 = example(1.0, -1f, -1f);
        short1.setLogprobs(List.of(-1f));
        pipe(topics.feedbackExamples(), short1);
        pipe(topics.feedbackExamples(), example(3.0, -1f, -1f));

        List<DeadLetter> letters = read(topics.deadLetter(), DeadLetter.class);
        assertThat(letters).extracting(DeadLetter::getErrorClass)
                .containsOnly(LoopProcessor.INVALID_FEEDBACK_EXAMPLE).hasSize(2);
        assertThat(letters.get(0).getReason()).isEqualTo("policy " + P + ": feedback example " + short1.getEventId()
                + " has 1 logprobs for 2 completion_tokens (one log-prob per token is needed for the importance ratio)");
        assertThat(letters.get(1).getReason()).endsWith("has reward 3.0, outside [-1, 1]");
        assertThat(letters.get(0).getSourceTopic()).isEqualTo(topics.feedbackExamples());

        pipe(topics.feedbackExamples(), example(1.0, -1f, -1f));
        pipe(topics.feedbackExamples(), example(1.0, -1f, -1f));
        assertThat(single(topics.updateRequests(), UpdateRequest.class).getTrajectories()).hasSize(2);
    }

    @Test
    void shouldKeepAtMostMaxBufferedExamplesDroppingTheOldest() {
        pipe(topics.catalog(), entry(feedbackSpec(2, 3)));
        pipe(topics.feedbackExamples(), example(1.0, -1f, -1f));
        pipe(topics.feedbackExamples(), example(1.0, -1f, -1f));
        UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);
        for (int i = 0; i < 5; i++) { // while the step runs; the two it carries are the oldest, dropped first
            pipe(topics.feedbackExamples(), example(-1.0, -(i + 1f), -1f));
        }
        assertThat(buffered()).hasSize(3);
        assertThat(buffered()).extracting(e -> e.logprobs().get(0)).containsExactly(-3f, -4f, -5f);

        pipe(topics.updateResults(), updateResult(update, "step-0001"));
        ExportRequest export = single(topics.exportRequests(), ExportRequest.class);
        pipe(topics.exportResults(), exportResult(export));
        pipe(topics.evalResults(), evalResult(single(topics.evalRequests(), EvalRequest.class)));
        UpdateRequest next = single(topics.updateRequests(), UpdateRequest.class);
        assertThat(next.getTrajectories()).extracting(t -> t.getLogprobs().get(0)).containsExactly(-3f, -4f);
    }

    // ---- events ----

    private static PolicySpec feedbackSpec(int batch, int maxBuffered) {
        return PolicySpec.newBuilder()
                .setEventId("spec-1").setPolicyId(P).setTime(Instant.EPOCH).setBaseModel("tiny")
                .setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of()).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"7\"}")
                .setEval(EvalSpec.newBuilder().setPrompts(List.of("e")).setSamplesPerPrompt(2).setMetric("reward").build())
                .setFeedbackTraining(FeedbackTraining.newBuilder().setBatchSize(batch).setLearningRate(0.02)
                        .setClipEpsilon(0.1).setKlCoef(0.05).setMaxBuffered(maxBuffered).build())
                .setStatus(PolicyStatus.ACTIVE)
                .build();
    }

    private static CatalogEntry entry(PolicySpec spec) {
        return CatalogEntry.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(Instant.EPOCH)
                .setSpec(spec).setRevisions(new ArrayList<>()).setServingRevision(null)
                .setHistory(List.of()).setUpdatedAt(Instant.EPOCH).build();
    }

    private FeedbackExample example(double reward, float logprob0, float logprob1) {
        int n = ++examples;
        return FeedbackExample.newBuilder().setEventId("example-" + n).setPolicyId(P).setTime(Instant.EPOCH)
                .setRequestId("request-" + n).setRevision("step-0000").setPromptTokens(List.of(81, 58, n))
                .setCompletionTokens(List.of(55, 32)).setLogprobs(List.of(logprob0, logprob1)).setReward(reward)
                .setFeedbackTime(1_000L * n).setPreferredCompletion(null).build();
    }

    private static UpdateResult updateResult(UpdateRequest q, String revision) {
        return UpdateResult.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(Instant.EPOCH)
                .setCorrelationId(q.getCorrelationId()).setProducedBy("w").setBaseRevision(q.getBaseRevision())
                .setNewRevision(revision).setStep(q.getStep()).setLoss(0).setMeanReward(0).setRewardStd(0)
                .setGradNorm(0).setKl(0).setStateUri("mint://" + P + "/state/" + revision).build();
    }

    private static ExportResult exportResult(ExportRequest q) {
        return ExportResult.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(Instant.EPOCH)
                .setCorrelationId(q.getCorrelationId()).setProducedBy("w").setRevision(q.getRevision()).setStep(1)
                .setBaseModel("tiny").setAdapterUri("mint://" + P + "/sampler/" + q.getRevision())
                .setSha256("ab".repeat(32)).setBytes(10).setRank(4).setAlpha(8).setTargetModules(List.of()).build();
    }

    private static EvalResult evalResult(EvalRequest q) {
        return EvalResult.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(Instant.EPOCH)
                .setCorrelationId(q.getCorrelationId()).setProducedBy("w").setRevision(q.getRevision())
                .setScores(Map.of("reward", 0.5)).setSamples(2).build();
    }

    // ---- plumbing ----

    private LoopState loop() {
        return driver.<String, LoopState>getKeyValueStore(OrchestratorApp.LOOP_STORE).get(P);
    }

    private List<FeedbackBuffer.Example> buffered() {
        KeyValueStore<String, FeedbackBuffer.Example> store = driver.getKeyValueStore(OrchestratorApp.FEEDBACK_STORE);
        List<FeedbackBuffer.Example> out = new ArrayList<>();
        try (KeyValueIterator<String, FeedbackBuffer.Example> it = store.all()) {
            it.forEachRemaining((KeyValue<String, FeedbackBuffer.Example> e) -> out.add(e.value));
        }
        return out;
    }

    private void pipe(String topic, SpecificRecord event) {
        pipe(P, topic, event);
    }

    private void pipe(String key, String topic, SpecificRecord event) {
        if (event instanceof FeedbackExample e && !key.equals(P)) {
            e.setPolicyId(key);
        }
        driver.createInputTopic(topic, new StringSerializer(), serializer).pipeInput(key, event);
    }

    private <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        TestOutputTopic<String, T> out = driver.createOutputTopic(topic, new StringDeserializer(),
                new AvroEventDeserializer<>(registry, type));
        return out.readValuesToList();
    }

    private <T extends SpecificRecord> T single(String topic, Class<T> type) {
        List<T> values = read(topic, type);
        assertThat(values).as("records on " + topic).hasSize(1);
        return values.get(0);
    }
}
