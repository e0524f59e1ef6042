package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.FeedbackExample;
import ai.mint.events.FeedbackTraining;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.orchestration.OrchestratorApp;
import ai.mint.orchestration.OrchestratorTopics;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feedback-trained policy's revisions through the real promotion gate: the orchestrator's topology and the catalog's,
 * each under its own TopologyTestDriver, wired by hand (catalog entries to the orchestrator, stage results to both), with
 * the worker's answers written by the test. Each revision the gate passes serves; one it fails does not.
 */
class FeedbackPromotionTest {

    private static final String P = "policy-b";

    @TempDir
    Path stateDir;
    private final Events events = new Events();
    private final OrchestratorTopics topics = OrchestratorTopics.defaults();
    private final String registryName = "feedback-promotion-" + UUID.randomUUID();
    private SchemaRegistryClient registry;
    private AvroEventSerializer<SpecificRecord> serializer;
    private TopologyTestDriver orchestrator;
    private CatalogDriver catalog;
    private int examples;

    @BeforeEach
    void start() {
        registry = SchemaRegistryClients.fromUrl("mock://" + registryName);
        serializer = new AvroEventSerializer<>(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orchestrator-promotion-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        orchestrator = new TopologyTestDriver(OrchestratorApp.buildTopology(topics, registry, "orchestrator", false),
                props);
        catalog = new CatalogDriver(stateDir);
    }

    @AfterEach
    void stop() {
        orchestrator.close();
        catalog.close();
        SchemaRegistryClients.dropMock(registryName);
    }

    @Test
    void shouldServeEachFeedbackRevisionThatPassesTheEvalGateAndKeepServingWhenOneFails() {
        PolicySpec spec = events.spec(P, Events.gate(0.2, 0.05));
        spec.setEval(EvalSpec.newBuilder().setPrompts(List.of("Q: a")).setSamplesPerPrompt(8).setMetric("mean_reward")
                .build());
        spec.setFeedbackTraining(FeedbackTraining.newBuilder().setBatchSize(4).setLearningRate(0.02).build());
        catalog.specs.pipeInput(P, spec);
        relayCatalog();

        assertThat(feedbackStep(1, 0.3)).isEqualTo("step-0001"); // first revision: 0.3 >= min_score 0.2
        assertThat(serving()).isEqualTo("step-0001");
        assertThat(feedbackStep(2, 0.5)).isEqualTo("step-0002"); // 0.2 better than the serving one
        assertThat(serving()).isEqualTo("step-0002");
        assertThat(feedbackStep(3, 0.52)).isEqualTo("step-0003"); // only 0.02 better: the gate holds it back
        assertThat(serving()).isEqualTo("step-0002");
        assertThat(revision("step-0003").getState()).isEqualTo(RevisionState.EVAL_FAILED);
        assertThat(revision("step-0002").getEvalScores()).containsEntry("mean_reward", 0.5);
    }

    /**
     * Sends a batch of feedback, answers the update, export and eval the orchestrator asks for (the eval with
     * {@code score}), and returns the revision trained.
     */
    private String feedbackStep(int step, double score) {
        for (int i = 0; i < 4; i++) {
            pipeOrchestrator(topics.feedbackExamples(), example(i % 2 == 0 ? 1.0 : -1.0));
        }
        UpdateRequest update = single(topics.updateRequests(), UpdateRequest.class);
        assertThat(update.getLossFn()).isEqualTo("ppo");
        assertThat(update.getStep()).isEqualTo(step);
        assertThat(update.getBaseRevision()).isEqualTo(step == 1 ? Events.BASE : "step-000" + (step - 1));
        String revision = "step-000" + step;
        UpdateResult updated = events.update(P, update.getBaseRevision(), revision, step);
        updated.setCorrelationId(update.getCorrelationId());
        toBoth(topics.updateResults(), updated, () -> catalog.updates.pipeInput(P, updated));

        ExportRequest export = single(topics.exportRequests(), ExportRequest.class);
        ExportResult exported = events.export(P, export.getRevision(), step);
        exported.setCorrelationId(export.getCorrelationId());
        toBoth(topics.exportResults(), exported, () -> catalog.exports.pipeInput(P, exported));

        EvalRequest eval = single(topics.evalRequests(), EvalRequest.class);
        assertThat(eval.getEval().getMetric()).isEqualTo("mean_reward");
        EvalResult evaluated = events.eval(P, eval.getRevision(), score);
        evaluated.setCorrelationId(eval.getCorrelationId());
        toBoth(topics.evalResults(), evaluated, () -> catalog.evals.pipeInput(P, evaluated));
        return revision;
    }

    /** A stage result goes to the catalog first (as the worker's topic feeds both), then the catalog's entries. */
    private void toBoth(String topic, SpecificRecord result, Runnable toCatalog) {
        toCatalog.run();
        relayCatalog();
        pipeOrchestrator(topic, result);
    }

    private void relayCatalog() {
        for (CatalogEntry entry : catalog.catalog.readValuesToList()) {
            pipeOrchestrator(topics.catalog(), entry);
        }
    }

    private String serving() {
        return catalog.entry(P).getServingRevision();
    }

    private RevisionInfo revision(String id) {
        return catalog.entry(P).getRevisions().stream().filter(r -> r.getRevision().equals(id)).findFirst()
                .orElseThrow();
    }

    private FeedbackExample example(double reward) {
        int n = ++examples;
        return FeedbackExample.newBuilder().setEventId("example-" + n).setPolicyId(P).setTime(Instant.EPOCH)
                .setRequestId("request-" + n).setRevision("step-0000").setPromptTokens(List.of(81, 58, 32))
                .setCompletionTokens(List.of(55, n % 200)).setLogprobs(List.of(-1f, -2f)).setReward(reward)
                .setFeedbackTime(1_000L * n).setPreferredCompletion(null).build();
    }

    private void pipeOrchestrator(String topic, SpecificRecord event) {
        orchestrator.createInputTopic(topic, new StringSerializer(), serializer).pipeInput(P, event);
    }

    private <T extends SpecificRecord> T single(String topic, Class<T> type) {
        TestOutputTopic<String, T> out = orchestrator.createOutputTopic(topic, new StringDeserializer(),
                new AvroEventDeserializer<>(registry, type));
        List<T> values = out.readValuesToList();
        assertThat(values).as("records on " + topic).hasSize(1);
        return values.get(0);
    }
}
