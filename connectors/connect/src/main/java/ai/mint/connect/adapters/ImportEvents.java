package ai.mint.connect.adapters;

import ai.mint.common.ids.EventIds;
import ai.mint.common.store.StoredArtifact;
import ai.mint.events.ExportResult;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.ServeRequest;
import ai.mint.events.UpdateResult;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The lifecycle events that register one imported adapter, in the order the catalog must see them: the policy's
 * spec, its one revision (as trained from the base), the export that says where the adapter lives with its sha-256,
 * and (when serving is asked for) the request to serve it. Event ids derive from the policy and the adapter's digest,
 * so a re-import after a restart is dropped by the catalog as a duplicate.
 */
final class ImportEvents {

    static final String PRODUCED_BY = "mint-connect adapter-import";

    /** One event and the topic it goes to. */
    record Staged(String topic, String policyId, SpecificRecord event) {
    }

    private ImportEvents() {
    }

    /** The spec of the policy an adapter becomes (its event id is set by {@link #of}, from the adapter's digest). */
    static PolicySpec spec(AdapterImportConfig config, String policyId, PeftAdapterCheck.Checked adapter, Instant now) {
        return PolicySpec.newBuilder()
                .setEventId("").setPolicyId(policyId).setTime(now)
                .setBaseModel(config.baseModel)
                .setLora(LoraSpec.newBuilder().setRank(adapter.rank()).setAlpha(adapter.alpha())
                        .setTargetModules(adapter.targetModules()).build())
                .setRewardSpec(config.rewardSpec)
                .setLabels(config.labels)
                .build();
    }

    /** The events of one adapter by stage: spec, revision, export, serve (the last only when {@code config.serve}). */
    static List<Staged> of(AdapterImportConfig config, String policyId, PeftAdapterCheck.Checked adapter,
                           StoredArtifact stored, String source, Instant now) {
        String cause = policyId + "@" + stored.sha256();
        String correlation = EventIds.derived(cause, "import");
        List<String> targets = adapter.targetModules();
        PolicySpec spec = PolicySpec.newBuilder(spec(config, policyId, adapter, now))
                .setEventId(EventIds.derived(cause, "spec")).build();
        UpdateResult revision = UpdateResult.newBuilder()
                .setEventId(EventIds.derived(cause, "revision")).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation).setProducedBy(PRODUCED_BY)
                .setBaseRevision(config.baseModel).setNewRevision(config.revision).setStep(1)
                .setLoss(0).setMeanReward(0).setRewardStd(0).setGradNorm(0).setKl(0).setStateUri("")
                .build();
        ExportResult export = ExportResult.newBuilder()
                .setEventId(EventIds.derived(cause, "export")).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation).setProducedBy(PRODUCED_BY)
                .setRevision(config.revision).setParentRevision(null).setStep(1).setBaseModel(config.baseModel)
                .setAdapterUri(stored.uri()).setSha256(stored.sha256()).setBytes(stored.bytes())
                .setRank(adapter.rank()).setAlpha(adapter.alpha()).setTargetModules(targets)
                .build();
        List<Staged> stages = new java.util.ArrayList<>(List.of(
                new Staged(Topics.POLICY_SPECS.name(), policyId, spec),
                new Staged(Topics.UPDATE_RESULTS.name(), policyId, revision),
                new Staged(Topics.EXPORT_RESULTS.name(), policyId, export)));
        if (config.serve) {
            stages.add(new Staged(Topics.SERVE_REQUESTS.name(), policyId, ServeRequest.newBuilder()
                    .setEventId(EventIds.derived(cause, "serve")).setPolicyId(policyId).setTime(now)
                    .setCorrelationId(correlation).setProducedBy(PRODUCED_BY).setRevision(config.revision)
                    .setReason("imported from " + source).setRequestedBy(PRODUCED_BY)
                    .build()));
        }
        return stages;
    }
}
