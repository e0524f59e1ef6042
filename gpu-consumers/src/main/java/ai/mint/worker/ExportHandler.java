package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.engine.model.Projection;
import ai.mint.events.CatalogEntry;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.UpdateResult;
import ai.mint.topics.Topics;
import ai.mint.common.store.ArtifactDigest;
import ai.mint.common.store.StoredArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Export role: writes a trained revision's adapter alone (PEFT layout, no optimizer state, never a merged model) to
 * the store as {@code mint://POLICY/sampler/REVISION}; rollout and serving engines load exactly this. Exporting the
 * same revision again returns the artifact already stored.
 */
public final class ExportHandler {

    private final WorkContext ctx;
    private final PolicyTrainers trainers;

    public ExportHandler(WorkContext ctx, PolicyTrainers trainers) {
        this.ctx = ctx;
        this.trainers = trainers;
    }

    public Reply handle(ExportRequest q) {
        CatalogEntry entry = ctx.policy(q.getPolicyId());
        var store = ctx.runtime().store();
        String policy = q.getPolicyId();
        UpdateResult update = trainers.savedResult(policy, q.getRevision()).orElseThrow(() -> new RejectedWorkException(
                "policy '" + policy + "': revision '" + q.getRevision() + "' has no saved trainer state to export"));
        String uri = store.uriOf(policy, "sampler", q.getRevision());
        StoredArtifact artifact;
        int rank;
        if (store.contains(uri)) {
            artifact = ArtifactDigest.of(uri, store.open(uri, null));
            rank = entry.getSpec().getLora().getRank();
        } else {
            Path tmp = null;
            try {
                tmp = Files.createTempDirectory("mint-export-");
                rank = trainers.exportAt(entry.getSpec(), q.getRevision(), tmp);
                artifact = store.put(policy, "sampler", q.getRevision(), tmp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot export " + policy + "@" + q.getRevision(), e);
            } finally {
                PolicyTrainers.deleteTree(tmp);
            }
        }
        var lora = entry.getSpec().getLora();
        List<String> targets = PolicyTrainers.targets(lora.getTargetModules()).stream()
                .map(Projection::peftName).toList();
        ExportResult result = base(q)
                .setParentRevision(ctx.runtime().isBaseRevision(update.getBaseRevision()) ? null : update.getBaseRevision())
                .setStep(update.getStep())
                .setAdapterUri(artifact.uri())
                .setSha256(artifact.sha256())
                .setBytes(artifact.bytes())
                .setRank(rank)
                .setAlpha(lora.getAlpha())
                .setTargetModules(targets)
                .build();
        return new Reply(Topics.EXPORT_RESULTS.name(), policy, result);
    }

    public Reply failure(ExportRequest q, String reason) {
        return new Reply(Topics.EXPORT_RESULTS.name(), q.getPolicyId(), base(q).setStep(0).setAdapterUri("")
                .setSha256("").setBytes(0).setRank(0).setAlpha(0).setTargetModules(List.of()).setError(reason).build());
    }

    private ExportResult.Builder base(ExportRequest q) {
        return ExportResult.newBuilder()
                .setEventId(EventIds.derived(q.getEventId(), "export-result"))
                .setPolicyId(q.getPolicyId())
                .setTime(Instant.now())
                .setCorrelationId(q.getCorrelationId())
                .setProducedBy(ctx.workerId())
                .setRevision(q.getRevision())
                .setBaseModel(ctx.runtime().baseModel());
    }
}
