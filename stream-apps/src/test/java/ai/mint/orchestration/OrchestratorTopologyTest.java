package ai.mint.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.ids.EventIds;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.LoraSpec;
import ai.mint.events.Metric;
import ai.mint.events.PolicySpec;
import ai.mint.events.PolicyStatus;
import ai.mint.events.RegressionGuard;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.TrainingSpec;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.registry.OutageRegistry;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrchestratorTopologyTest {

    private static final String P = "policy-a";
    private final OrchestratorTopics topics = OrchestratorTopics.defaults();
    private final String registryName = "orchestrator-test-" + UUID.randomUUID();
    private SchemaRegistryClient registry;
    private TopologyTestDriver driver;
    private AvroEventSerializer<SpecificRecord> serializer;

    @BeforeEach
    void start() {
        registry = SchemaRegistryClients.fromUrl("mock://" + registryName);
        serializer = new AvroEventSerializer<>(registry);
        driver = new TopologyTestDriver(OrchestratorApp.buildTopology(topics, registry, "orchestrator", false), props());
    }

    @AfterEach
    void stop() {
        driver.close();
        SchemaRegistryClients.dropMock(registryName);
    }

    @Test
    void shouldRunEveryStageOfEachStepInOrderAndStopWhenTheStepsAreDone() {
        pipe(topics.catalog(), entry(spec(2, PolicyStatus.ACTIVE, null), List.of(), null));
        RolloutRequest rollout1 = single(topics.rolloutRequests(), RolloutRequest.class);
        assertThat(rollout1.getRevision()).isEqualTo("tiny");
        assertThat(rollout1.getPrompts()).containsExactly("a", "b");

        for (int step = 1; step <= 2; step++) {
            RolloutRequest rollout = step == 1 ? rollout1 : single(topics.rolloutRequests(), RolloutRequest.class);
            assertThat(rollout.getRevision()).isEqualTo(step == 1 ? "tiny" : "step-000" + (step - 1));
            pipe(topics.rolloutResults(), rolloutResult(rollout));
            UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);
            assertThat(update.getStep()).isEqualTo(step);
            assertThat(update.getBaseRevision()).isEqualTo(rollout.getRevision());
            pipe(topics.updateResults(), updateResult(update, "step-000" + step));
            ExportRequest export = single(topics.exportRequests(), ExportRequest.class);
            assertThat(export.getRevision()).isEqualTo("step-000" + step);
            pipe(topics.exportResults(), exportResult(export));
            EvalRequest eval = single(topics.evalRequests(), EvalRequest.class);
            assertThat(eval.getRevision()).isEqualTo("step-000" + step);
            pipe(topics.evalResults(), evalResult(eval));
        }
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
        assertThat(driver.<String, LoopState>getKeyValueStore(OrchestratorApp.LOOP_STORE).get(P).phase())
                .isEqualTo(LoopPhase.DONE);
    }

    @Test
    void shouldIgnoreAResultThatDoesNotAnswerThePendingRequest() {
        pipe(topics.catalog(), entry(spec(3, PolicyStatus.ACTIVE, null), List.of(), null));
        RolloutRequest rollout = single(topics.rolloutRequests(), RolloutRequest.class);
        RolloutResult stale = RolloutResult.newBuilder(rolloutResult(rollout)).setCorrelationId("someone-else").build();

        pipe(topics.rolloutResults(), stale);

        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();
        pipe(topics.rolloutResults(), rolloutResult(rollout));
        assertThat(read(topics.updateRequests(), UpdateRequest.class)).hasSize(1);
    }

    @Test
    void shouldStartAFailedStepAgainFromItsRolloutAndGiveUpAfterTheLastAttempt() {
        pipe(topics.catalog(), entry(spec(3, PolicyStatus.ACTIVE, null), List.of(), null));
        RolloutRequest first = single(topics.rolloutRequests(), RolloutRequest.class);
        pipe(topics.rolloutResults(), rolloutResult(first));
        UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);

        pipe(topics.updateResults(), UpdateResult.newBuilder(updateResult(update, "step-0001"))
                .setError("worker lost its disk").build());
        RolloutRequest second = single(topics.rolloutRequests(), RolloutRequest.class);
        assertThat(second.getRevision()).isEqualTo(first.getRevision());
        assertThat(second.getCorrelationId()).contains("step-1").isNotEqualTo(first.getCorrelationId());

        pipe(topics.rolloutResults(), RolloutResult.newBuilder(rolloutResult(second)).setError("no").build());
        RolloutRequest third = single(topics.rolloutRequests(), RolloutRequest.class);
        pipe(topics.rolloutResults(), RolloutResult.newBuilder(rolloutResult(third)).setError("still no").build());

        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
        LoopState state = driver.<String, LoopState>getKeyValueStore(OrchestratorApp.LOOP_STORE).get(P);
        assertThat(state.phase()).isEqualTo(LoopPhase.FAILED);
        assertThat(state.failure()).contains("still no").contains(LoopRules.DEFAULT_MAX_ATTEMPTS + " attempts");
    }

    @Test
    void shouldNotStartAgainWhenTheCatalogEntryOfARunningLoopChanges() {
        PolicySpec spec = spec(3, PolicyStatus.ACTIVE, null);
        pipe(topics.catalog(), entry(spec, List.of(), null));
        pipe(topics.catalog(), entry(spec, List.of(revision("step-0001", 1, RevisionState.TRAINED)), null));

        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).hasSize(1);
    }

    @Test
    void shouldResumeAfterTheNewestExportedRevisionWhenALoopStartsForAPolicyWithHistory() {
        pipe(topics.catalog(), entry(spec(5, PolicyStatus.ACTIVE, null),
                List.of(revision("step-0001", 1, RevisionState.EVAL_PASSED),
                        revision("step-0002", 2, RevisionState.EVAL_FAILED)), "step-0001"));

        assertThat(read(topics.deadLetter(), DeadLetter.class)).isEmpty();
        RolloutRequest rollout = single(topics.rolloutRequests(), RolloutRequest.class);
        assertThat(rollout.getRevision()).isEqualTo("step-0002");
        assertThat(rollout.getCorrelationId()).contains("step-3");
    }

    @Test
    void shouldDropTheResultsOfAStoppedPolicy() {
        PolicySpec spec = spec(3, PolicyStatus.ACTIVE, null);
        pipe(topics.catalog(), entry(spec, List.of(), null));
        RolloutRequest rollout = single(topics.rolloutRequests(), RolloutRequest.class);
        pipe(topics.catalog(), entry(PolicySpec.newBuilder(spec).setEventId("spec-2").setStatus(PolicyStatus.STOPPED)
                .build(), List.of(), null));

        pipe(topics.rolloutResults(), rolloutResult(rollout));

        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();
        assertThat(driver.<String, LoopState>getKeyValueStore(OrchestratorApp.LOOP_STORE).get(P).phase())
                .isEqualTo(LoopPhase.STOPPED);
    }

    @Test
    void shouldRequestOneRollbackWhenTheServingRevisionsLiveRewardFallsPastTheGuard() {
        RegressionGuard guard = RegressionGuard.newBuilder().setMetric("reward").setMaxDrop(0.2).setWindow(3).build();
        PolicySpec spec = spec(1, PolicyStatus.ACTIVE, guard);
        RevisionInfo good = revision("step-0001", 1, RevisionState.SERVING);
        good.setEvalScores(Map.of("reward", 0.9));
        pipe(topics.catalog(), entry(spec, List.of(good), "step-0001"));

        for (double v : new double[]{0.95, 0.85}) {
            pipe(topics.metrics(), metric("step-0001", v));
        }
        assertThat(read(topics.rollbackRequests(), RollbackRequest.class)).isEmpty();
        for (double v : new double[]{0.1, 0.1, 0.1, 0.1}) {
            pipe(topics.metrics(), metric("step-0001", v));
        }

        List<RollbackRequest> rollbacks = read(topics.rollbackRequests(), RollbackRequest.class);
        assertThat(rollbacks).hasSize(1);
        assertThat(rollbacks.get(0).getReason()).contains("regression guard").contains("step-0001");
    }

    @Test
    void shouldDeadLetterARecordThatDoesNotDecode() {
        driver.createInputTopic(topics.rolloutResults(), new StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())
                .pipeInput(P, new byte[]{1, 2, 3});

        List<DeadLetter> letters = read(topics.deadLetter(), DeadLetter.class);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).getSourceTopic()).isEqualTo(topics.rolloutResults());
        assertThat(letters.get(0).getErrorClass()).isEqualTo("UNDESERIALIZABLE");
        assertThat(letters.get(0).getReason()).startsWith("record in " + topics.rolloutResults() + " does not decode");
        assertThat(letters.get(0).getEventId()).isEqualTo(EventIds.ofSource(topics.rolloutResults(), 0, 0L));
    }

    @Test
    void shouldDeadLetterAResultKeyedByAnotherPolicy() {
        pipe(topics.catalog(), entry(spec(2, PolicyStatus.ACTIVE, null), List.of(), null));
        RolloutRequest rollout = single(topics.rolloutRequests(), RolloutRequest.class);
        driver.createInputTopic(topics.rolloutResults(), new StringSerializer(), serializer)
                .pipeInput("other-policy", rolloutResult(rollout));

        List<DeadLetter> letters = read(topics.deadLetter(), DeadLetter.class);
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactly("KEY_MISMATCH");
        assertThat(letters.get(0).getReason()).contains("record key 'other-policy' is not its policy_id '" + P + "'");
        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();
    }

    @Test
    void shouldRetryARegistryOutageAndProcessTheRecordOnceTheRegistryIsBack() {
        OutageRegistry outage = new OutageRegistry(registry);
        restartWith(outage, 2_000);
        byte[] entry = serializer.serialize(topics.catalog(), entry(spec(2, PolicyStatus.ACTIVE, null), List.of(), null));
        outage.failNext(3);

        pipeRaw(topics.catalog(), entry);

        assertThat(outage.refused()).isEqualTo(3);
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).hasSize(1);
        assertThat(read(topics.deadLetter(), DeadLetter.class)).isEmpty();
    }

    @Test
    void shouldNeverDeadLetterValidInputWhileTheRegistryStaysDown() {
        OutageRegistry outage = new OutageRegistry(registry);
        restartWith(outage, 30);
        byte[] entry = serializer.serialize(topics.catalog(), entry(spec(2, PolicyStatus.ACTIVE, null), List.of(), null));
        outage.down();

        // the task fails instead; Kafka Streams then takes the record again from the last commit
        assertThatThrownBy(() -> pipeRaw(topics.catalog(), entry))
                .hasRootCauseInstanceOf(ai.mint.registry.RegistryUnavailableException.class)
                .satisfies(e -> assertThat(ai.mint.common.decode.Failures.isRetriable(e)).isTrue());
        outage.up();
        assertThat(read(topics.deadLetter(), DeadLetter.class)).isEmpty();
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();

        pipeRaw(topics.catalog(), entry); // the redelivery
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).hasSize(1);
        assertThat(read(topics.deadLetter(), DeadLetter.class)).isEmpty();
    }

    @Test
    void shouldGiveUpALoopAfterTheConfiguredAttempts() {
        driver.close();
        Properties props = props();
        props.put(OrchestratorConfig.STEP_MAX_ATTEMPTS, 1);
        driver = new TopologyTestDriver(OrchestratorApp.buildTopology(topics, registry, "orchestrator", false), props);
        pipe(topics.catalog(), entry(spec(2, PolicyStatus.ACTIVE, null), List.of(), null));
        RolloutRequest rollout = single(topics.rolloutRequests(), RolloutRequest.class);

        pipe(topics.rolloutResults(), RolloutResult.newBuilder(rolloutResult(rollout)).setError("no worker").build());

        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
        LoopState state = driver.<String, LoopState>getKeyValueStore(OrchestratorApp.LOOP_STORE).get(P);
        assertThat(state.phase()).isEqualTo(LoopPhase.FAILED);
        assertThat(state.failure()).contains("after 1 attempts");
    }

    @Test
    void shouldRetryAStageWhoseResultIsLostAndFailTheLoopWithTheReasonAfterTheLastAttempt() {
        restartWithDeadlines(Map.of(OrchestratorConfig.DEADLINE_ROLLOUT_MS, 60_000, OrchestratorConfig.DEADLINE_UPDATE_MS,
                120_000));
        pipe(topics.catalog(), entry(spec(2, PolicyStatus.ACTIVE, null), List.of(), null));
        RolloutRequest first = single(topics.rolloutRequests(), RolloutRequest.class);

        driver.advanceWallClockTime(java.time.Duration.ofSeconds(59));
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(2));
        RolloutRequest second = single(topics.rolloutRequests(), RolloutRequest.class);
        assertThat(second.getCorrelationId()).contains("step-1").isNotEqualTo(first.getCorrelationId());
        pipe(topics.rolloutResults(), rolloutResult(first)); // the lost result turns up late: ignored
        assertThat(read(topics.updateRequests(), UpdateRequest.class)).isEmpty();

        pipe(topics.rolloutResults(), rolloutResult(second)); // the retry is answered: the update has its own deadline
        UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(90));
        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(31));
        RolloutRequest third = single(topics.rolloutRequests(), RolloutRequest.class);
        assertThat(third.getCorrelationId()).contains("try-2");
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(61));

        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
        LoopState state = driver.<String, LoopState>getKeyValueStore(OrchestratorApp.LOOP_STORE).get(P);
        assertThat(state.phase()).isEqualTo(LoopPhase.FAILED);
        assertThat(state.failure()).contains("rollout of step 1").contains("no result within 60000 ms")
                .contains(LoopRules.DEFAULT_MAX_ATTEMPTS + " attempts");
        List<DeadLetter> letters = read(topics.deadLetter(), DeadLetter.class);
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsOnly("STAGE_DEADLINE").hasSize(3);
        assertThat(letters).extracting(DeadLetter::getSourceTopic).containsExactly(topics.rolloutRequests(),
                topics.updateRequests(), topics.rolloutRequests());
        assertThat(letters.get(1).getReason()).contains(update.getCorrelationId()).contains("within 120000 ms")
                .contains("started again (try 3 of 3)");
        assertThat(letters.get(2).getReason()).contains("loop FAILED");
        assertThat(letters).extracting(DeadLetter::getPolicyId).containsOnly(P);
    }

    @Test
    void shouldNotTimeOutAStageAnsweredInTime() {
        restartWithDeadlines(Map.of(OrchestratorConfig.DEADLINE_ROLLOUT_MS, 60_000, OrchestratorConfig.DEADLINE_UPDATE_MS,
                60_000, OrchestratorConfig.DEADLINE_EXPORT_MS, 60_000, OrchestratorConfig.DEADLINE_EVAL_MS, 60_000));
        pipe(topics.catalog(), entry(spec(1, PolicyStatus.ACTIVE, null), List.of(), null));
        RolloutRequest rollout = single(topics.rolloutRequests(), RolloutRequest.class);
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(50));
        pipe(topics.rolloutResults(), rolloutResult(rollout));
        UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(50)); // past the rollout's deadline, not the update's
        pipe(topics.updateResults(), updateResult(update, "step-0001"));
        ExportRequest export = single(topics.exportRequests(), ExportRequest.class);
        pipe(topics.exportResults(), exportResult(export));
        EvalRequest eval = single(topics.evalRequests(), EvalRequest.class);
        pipe(topics.evalResults(), evalResult(eval));
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(10));

        assertThat(read(topics.rolloutRequests(), RolloutRequest.class)).isEmpty();
        assertThat(read(topics.deadLetter(), DeadLetter.class)).isEmpty();
        assertThat(driver.<String, LoopState>getKeyValueStore(OrchestratorApp.LOOP_STORE).get(P).phase())
                .isEqualTo(LoopPhase.DONE);
        assertThat(driver.getKeyValueStore(OrchestratorApp.DEADLINE_STORE).approximateNumEntries()).isZero();
    }

    // ---- events ----

    private static PolicySpec spec(int steps, PolicyStatus status, RegressionGuard guard) {
        return PolicySpec.newBuilder()
                .setEventId("spec-1").setPolicyId(P).setTime(Instant.EPOCH).setBaseModel("tiny")
                .setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of()).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"7\"}")
                .setTraining(TrainingSpec.newBuilder().setPrompts(List.of("a", "b")).setGroupSize(4).setSteps(steps)
                        .setLearningRate(1e-3).setMaxTokens(8).setTemperature(1.0).setKlCoef(0).setSeed(7).build())
                .setEval(EvalSpec.newBuilder().setPrompts(List.of("e")).setSamplesPerPrompt(2).setMetric("reward").build())
                .setRegressionGuard(guard)
                .setStatus(status)
                .build();
    }

    private static CatalogEntry entry(PolicySpec spec, List<RevisionInfo> revisions, String serving) {
        return CatalogEntry.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(Instant.EPOCH)
                .setSpec(spec).setRevisions(new ArrayList<>(revisions)).setServingRevision(serving)
                .setHistory(List.of()).setUpdatedAt(Instant.EPOCH).build();
    }

    private static RevisionInfo revision(String id, int step, RevisionState state) {
        return RevisionInfo.newBuilder().setRevision(id).setStep(step).setRank(4).setState(state)
                .setEvalScores(Map.of()).setCreatedAt(Instant.EPOCH).setProducedBy("w").build();
    }

    private static RolloutResult rolloutResult(RolloutRequest q) {
        return RolloutResult.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(Instant.EPOCH)
                .setCorrelationId(q.getCorrelationId()).setProducedBy("w").setRevision(q.getRevision())
                .setTrajectories(List.of()).build();
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

    private static Metric metric(String revision, double value) {
        return Metric.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(P).setTime(Instant.EPOCH)
                .setName("reward").setValue(value).setRevision(revision).setSource("w").build();
    }

    // ---- plumbing ----

    private Properties props() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orchestrator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return props;
    }

    /** A driver with the given stage deadlines (and a 1 s check interval). */
    private void restartWithDeadlines(Map<String, Integer> deadlines) {
        driver.close();
        Properties props = props();
        props.putAll(deadlines);
        props.put(OrchestratorConfig.DEADLINE_CHECK_INTERVAL_MS, 1_000);
        driver = new TopologyTestDriver(OrchestratorApp.buildTopology(topics, registry, "orchestrator", false), props);
    }

    /** A driver whose topology reads through {@code through}, retrying registry failures for {@code retryMs}. */
    private void restartWith(SchemaRegistryClient through, long retryMs) {
        driver.close();
        Properties props = props();
        props.putAll(DecodeConfig.passOn(Map.of(DecodeConfig.RETRY_BACKOFF_MS, 1L, DecodeConfig.RETRY_BACKOFF_MAX_MS, 4L,
                DecodeConfig.RETRY_TIMEOUT_MS, retryMs)));
        driver = new TopologyTestDriver(OrchestratorApp.buildTopology(topics, through, "orchestrator", false), props);
    }

    private void pipeRaw(String topic, byte[] value) {
        driver.createInputTopic(topic, new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())
                .pipeInput(P, value);
    }

    private void pipe(String topic, SpecificRecord event) {
        TestInputTopic<String, SpecificRecord> in = driver.createInputTopic(topic, new StringSerializer(), serializer);
        in.pipeInput(P, event);
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
