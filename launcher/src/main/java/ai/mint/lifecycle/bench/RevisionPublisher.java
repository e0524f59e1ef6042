package ai.mint.lifecycle.bench;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.UpdateResult;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.common.store.AdapterStore;
import ai.mint.common.store.StoredArtifact;
import java.nio.file.Path;
import java.util.EnumSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a stored adapter as a trained, exported and evaluated revision (the events the update, export and eval
 * workers would publish), so that a benchmark or a test can hand revisions to serving without training them.
 */
public final class RevisionPublisher implements AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;
    private final String baseModel;

    public RevisionPublisher(PlatformConnection platform, String baseModel) {
        this.baseModel = baseModel;
        this.producer = KafkaClients.of(platform).producer("bench-revisions", new StringSerializer(),
                new AvroEventSerializer<>(platform.registry()), Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
    }

    /** A policy without training whose every evaluated revision is promoted at once. */
    public static PolicySpec spec(String policy, String baseModel) {
        return spec(policy, baseModel, Map.of());
    }

    /** {@link #spec(String, String)} with spec labels (e.g. {@code tenant}). */
    public static PolicySpec spec(String policy, String baseModel, Map<String, String> labels) {
        return PolicySpec.newBuilder().setEventId("set-by-client").setPolicyId(policy).setTime(Instant.now())
                .setLabels(labels)
                .setBaseModel(baseModel)
                .setLora(LoraSpec.newBuilder().setRank(8).setAlpha(16).setTargetModules(List.of("q_proj", "v_proj")).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"7\"}")
                .setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(-1e9).setMinImprovement(-1e9).build())
                .build();
    }

    /**
     * Stores a new random rank-8 adapter (q and v projections, seed {@code n}) as revision {@code rev-N} of
     * {@code policy} and publishes its update, export and eval results.
     *
     * @param store where workers load adapters from
     * @param work  a directory for the exported files
     */
    public void publishRandom(AdapterStore store, ModelConfig config, Path work, String policy, int n)
            throws Exception {
        LoraWeights weights = LoraWeights.random(config, EnumSet.of(Projection.Q, Projection.V), 8, 16f, n, true);
        Path dir = work.resolve("export-" + policy + "-" + n);
        PeftAdapterIo.write(dir, weights, config);
        publish(policy, n, store.put(policy, "sampler", "rev-" + n, dir));
    }

    /** Revision {@code rev-N} (parent {@code rev-(N-1)}), its adapter already in the store. */
    public void publish(String policy, int n, StoredArtifact adapter) throws Exception {
        String revision = "rev-" + n;
        String parent = n == 1 ? baseModel : "rev-" + (n - 1);
        send(policy, Topics.UPDATE_RESULTS.name(), UpdateResult.newBuilder().setEventId(id()).setPolicyId(policy)
                .setTime(Instant.now()).setCorrelationId(id()).setProducedBy("bench").setBaseRevision(parent)
                .setNewRevision(revision).setStep(n).setLoss(0).setMeanReward(0).setRewardStd(0).setGradNorm(0)
                .setKl(0).setStateUri("").build());
        send(policy, Topics.EXPORT_RESULTS.name(), ExportResult.newBuilder().setEventId(id()).setPolicyId(policy)
                .setTime(Instant.now()).setCorrelationId(id()).setProducedBy("bench").setRevision(revision)
                .setParentRevision(n == 1 ? null : parent).setStep(n).setBaseModel(baseModel)
                .setAdapterUri(adapter.uri()).setSha256(adapter.sha256()).setBytes(adapter.bytes()).setRank(8)
                .setAlpha(16).setTargetModules(List.of("q_proj", "v_proj")).build());
        send(policy, Topics.EVAL_RESULTS.name(), EvalResult.newBuilder().setEventId(id()).setPolicyId(policy)
                .setTime(Instant.now()).setCorrelationId(id()).setProducedBy("bench").setRevision(revision)
                .setScores(Map.of("reward", 1.0)).setSamples(1).build());
    }

    private void send(String policy, String topic, SpecificRecord event) throws Exception {
        producer.send(new ProducerRecord<>(topic, policy, event)).get();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        producer.close();
    }
}
