package ai.mint.catalog;

import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.RollbackRequest;
import ai.mint.events.ServeRequest;
import ai.mint.events.UpdateResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Valid lifecycle events for tests, with fresh event ids and a clock that advances one second per event. */
final class Events {

    static final String BASE = "tiny-base";
    static final String SHA = "ab".repeat(32);

    private final AtomicLong clock = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    private final AtomicLong ids = new AtomicLong();

    private Instant tick() {
        return Instant.ofEpochMilli(clock.addAndGet(1000));
    }

    private String id() {
        return "evt-" + ids.incrementAndGet();
    }

    static PromotionGate gate(double minScore, double minImprovement) {
        return PromotionGate.newBuilder().setMetric("mean_reward").setMinScore(minScore)
                .setMinImprovement(minImprovement).build();
    }

    PolicySpec spec(String policy, int rank, double alpha, PromotionGate gate) {
        return PolicySpec.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(tick())
                .setBaseModel(BASE)
                .setLora(LoraSpec.newBuilder().setRank(rank).setAlpha(alpha).setTargetModules(List.of("q_proj")).build())
                .setRewardSpec("{\"kind\":\"length\"}")
                .setGate(gate)
                .build();
    }

    PolicySpec spec(String policy, PromotionGate gate) {
        return spec(policy, 8, 16.0, gate);
    }

    /** A spec with labels (e.g. tenant) and no gate. */
    PolicySpec labelled(String policy, Map<String, String> labels) {
        PolicySpec spec = spec(policy, null);
        spec.setLabels(labels);
        return spec;
    }

    UpdateResult update(String policy, String base, String revision, int step) {
        return UpdateResult.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(tick())
                .setCorrelationId("corr-" + revision).setProducedBy("worker-1")
                .setBaseRevision(base).setNewRevision(revision).setStep(step)
                .setLoss(0.5).setMeanReward(0.1).setRewardStd(0.2).setGradNorm(1.0).setKl(0.01)
                .setStateUri("file:///state/" + revision)
                .build();
    }

    /** An export whose checkpoint lives {@code ttlMs} (Tinker's checkpoint TTL). */
    ExportResult export(String policy, String revision, int step, long ttlMs) {
        ExportResult export = export(policy, revision, step);
        export.setTtlMs(ttlMs);
        return export;
    }

    /** The time the next event will carry. */
    Instant peekNextTime() {
        return Instant.ofEpochMilli(clock.get() + 1000);
    }

    ExportResult export(String policy, String revision, int step) {
        return ExportResult.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(tick())
                .setCorrelationId("corr-export-" + revision).setProducedBy("worker-1")
                .setRevision(revision).setStep(step).setBaseModel(BASE)
                .setAdapterUri("file:///adapters/" + policy + "/" + revision).setSha256(SHA).setBytes(4096)
                .setRank(8).setAlpha(16.0).setTargetModules(List.of("q_proj"))
                .build();
    }

    EvalResult eval(String policy, String revision, double meanReward) {
        return EvalResult.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(tick())
                .setCorrelationId("corr-eval-" + revision).setProducedBy("worker-2")
                .setRevision(revision).setScores(Map.of("mean_reward", meanReward)).setSamples(32)
                .build();
    }

    ServeRequest serve(String policy, String revision) {
        return ServeRequest.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(tick())
                .setCorrelationId("corr-serve-" + revision).setProducedBy("cli")
                .setRevision(revision).setReason("manual").setRequestedBy("alice")
                .build();
    }

    RollbackRequest rollback(String policy, String target) {
        return RollbackRequest.newBuilder()
                .setEventId(id()).setPolicyId(policy).setTime(tick())
                .setCorrelationId("corr-rollback").setProducedBy("cli")
                .setTargetRevision(target).setReason("regressed").setRequestedBy("bob")
                .build();
    }
}
