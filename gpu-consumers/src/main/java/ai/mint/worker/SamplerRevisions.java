package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.engine.model.Projection;
import ai.mint.events.ExportResult;
import ai.mint.events.TrainingRequest;
import ai.mint.events.UpdateResult;
import ai.mint.topics.Topics;
import ai.mint.worker.store.StoredArtifact;
import java.time.Instant;
import java.util.List;

/**
 * Records a sampler checkpoint of the training API in the catalog as a revision of its own, named after the
 * checkpoint: a trained revision (an update result from the base model, at the policy's optimizer step), then its
 * export (where the adapter is, its digest, its time to live). The catalog then serves it when pinned
 * ({@code mint sample POLICY --revision NAME}, the gateway), can promote it, and its retention retires it when the
 * time to live ends, after which {@code mint store gc} removes the files.
 */
final class SamplerRevisions {

    private final WorkContext ctx;

    SamplerRevisions(WorkContext ctx) {
        this.ctx = ctx;
    }

    /** The two results to publish, in order, for the stored sampler checkpoint of {@code call}. */
    List<Reply> record(TrainingRequest call, TrainingSessions.Session session, StoredArtifact stored, Long ttlMs) {
        String policy = call.getPolicyId();
        String name = call.getSaveCheckpoint().getName();
        int step = (int) Math.min(Integer.MAX_VALUE, session.policy.revision());
        String stateUri = session.version == 0 ? ""
                : ctx.runtime().store().uriOf(policy, "state", TrainingSessions.headName(session.version));
        Instant now = Instant.now();
        UpdateResult trained = UpdateResult.newBuilder()
                .setEventId(EventIds.derived(call.getEventId(), "sampler-revision"))
                .setPolicyId(policy).setTime(now).setCorrelationId(call.getCorrelationId())
                .setProducedBy(ctx.workerId()).setBaseRevision("").setNewRevision(name).setStep(step)
                .setLoss(0).setMeanReward(0).setRewardStd(0).setGradNorm(0).setKl(0).setStateUri(stateUri)
                .build();
        var lora = session.spec.getLora();
        ExportResult exported = ExportResult.newBuilder()
                .setEventId(EventIds.derived(call.getEventId(), "sampler-export"))
                .setPolicyId(policy).setTime(now).setCorrelationId(call.getCorrelationId())
                .setProducedBy(ctx.workerId()).setRevision(name).setParentRevision(null).setStep(step)
                .setBaseModel(ctx.runtime().baseModel()).setAdapterUri(stored.uri()).setSha256(stored.sha256())
                .setBytes(stored.bytes()).setRank(lora.getRank()).setAlpha(lora.getAlpha())
                .setTargetModules(PolicyTrainers.targets(lora.getTargetModules()).stream().map(Projection::peftName)
                        .toList())
                .setTtlMs(ttlMs)
                .build();
        return List.of(new Reply(Topics.UPDATE_RESULTS.name(), policy, trained),
                new Reply(Topics.EXPORT_RESULTS.name(), policy, exported));
    }
}
