package ai.mint.it.lifecycle;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the events a worker would, straight to the lifecycle topics, so that catalog tests need no model: a
 * policy, then per revision its update, export and eval results.
 */
final class CatalogEvents implements AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;

    CatalogEvents(String bootstrap, String registryUrl) {
        producer = KafkaClients.of(PlatformConnection.of(bootstrap, registryUrl)).producer("it-catalog-events",
                new StringSerializer(), new AvroEventSerializer<>(SchemaRegistryClients.fromUrl(registryUrl)));
    }

    void send(String topic, String policy, SpecificRecord event) throws Exception {
        producer.send(new ProducerRecord<>(topic, policy, event)).get();
    }

    void policy(String policy) throws Exception {
        send(Topics.POLICY_SPECS.name(), policy, PolicySpec.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(Instant.now()).setBaseModel(LifecycleHarness.BASE)
                .setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of("q_proj")).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"7\"}")
                .setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(0).build())
                .build());
    }

    /** Update, export and eval of {@code step-000N}: it passes the gate and is served. */
    void revision(String policy, int step, double score) throws Exception {
        revision(policy, step, score, "mint://" + policy + "/sampler/step-000" + step, "ab".repeat(32));
    }

    /** The same, for an adapter stored at {@code uri} with {@code sha256}. */
    void revision(String policy, int step, double score, String uri, String sha256) throws Exception {
        String revision = "step-000" + step;
        String base = step == 1 ? LifecycleHarness.BASE : "step-000" + (step - 1);
        send(Topics.UPDATE_RESULTS.name(), policy, UpdateResult.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(Instant.now()).setCorrelationId(id()).setProducedBy("it")
                .setBaseRevision(base).setNewRevision(revision).setStep(step).setLoss(0.1).setMeanReward(score)
                .setRewardStd(0).setGradNorm(1).setKl(0).setStateUri("mint://" + policy + "/state/" + revision).build());
        send(Topics.EXPORT_RESULTS.name(), policy, ExportResult.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(Instant.now()).setCorrelationId(id()).setProducedBy("it")
                .setRevision(revision).setStep(step).setBaseModel(LifecycleHarness.BASE)
                .setAdapterUri(uri).setSha256(sha256).setBytes(1000)
                .setRank(4).setAlpha(8).setTargetModules(List.of("q_proj")).build());
        send(Topics.EVAL_RESULTS.name(), policy, EvalResult.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(Instant.now()).setCorrelationId(id()).setProducedBy("it")
                .setRevision(revision).setScores(Map.of("reward", score)).setSamples(8).build());
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        producer.close();
    }
}
