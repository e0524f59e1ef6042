package ai.mint.catalog.internal;

import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.catalog.RetentionSettings;
import ai.mint.common.catalog.PolicySpecChecks;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.ServeResult;
import ai.mint.events.UpdateResult;
import java.util.HashMap;
import java.util.Optional;
import java.util.regex.Pattern;

/** The stages a revision goes through before it can serve: trained (update), exported, evaluated. */
final class RevisionRules {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final String appName;
    private final RetentionSettings retention;

    RevisionRules(String appName, RetentionSettings retention) {
        this.appName = appName;
        this.retention = retention;
    }

    /** A successful update adds a TRAINED revision whose parent is the update's base revision. */
    Outcome onUpdate(CatalogEntry current, UpdateResult update, EventHeader header, RevisionSource stored) {
        if (update.getError() != null) {
            return Outcome.unchanged(); // failed work produced no revision; the worker reports the failure itself
        }
        String policy = header.policyId();
        String revision = update.getNewRevision();
        if (revision == null || revision.isBlank()) {
            return Outcome.rejected(Kind.ILLEGAL_TRANSITION, "policy " + policy + ": update result has an empty new_revision");
        }
        PolicyEdit edit = PolicyEdit.of(current, header, stored, retention);
        if (edit.find(revision).isPresent()) {
            return Outcome.rejected(Kind.ILLEGAL_TRANSITION, "policy " + policy + ": revision " + revision
                    + " already exists; an update must produce a new revision");
        }
        String parent = null;
        if (!isFromBaseModel(current, update.getBaseRevision())) {
            Optional<RevisionInfo> base = edit.find(update.getBaseRevision());
            if (base.isEmpty()) {
                return Outcome.rejected(Kind.UNKNOWN_REVISION, "policy " + policy + ": base revision "
                        + update.getBaseRevision() + " of update to " + revision + " is unknown");
            }
            if (update.getStep() <= base.get().getStep()) {
                return Outcome.rejected(Kind.ILLEGAL_TRANSITION, "policy " + policy + ": revision " + revision + " has step "
                        + update.getStep() + ", not after its base " + base.get().getRevision() + " at step "
                        + base.get().getStep());
            }
            if (RetentionRules.isRetired(base.get())) {
                return Outcome.rejected(Kind.ILLEGAL_TRANSITION, "policy " + policy + ": base revision "
                        + base.get().getRevision() + " of update to " + revision + " was retired by retention");
            }
            parent = base.get().getRevision();
        }
        edit.add(RevisionInfo.newBuilder()
                .setRevision(revision)
                .setParentRevision(parent)
                .setStep(update.getStep())
                .setRank(current.getSpec().getLora().getRank())
                .setState(RevisionState.TRAINED)
                .setEvalScores(new HashMap<>())
                .setCreatedAt(header.time())
                .setProducedBy(update.getProducedBy())
                .setStateUri(update.getStateUri())
                .build());
        return Outcome.changed(edit.finish());
    }

    /** An export of a TRAINED revision records where its adapter lives and makes it EXPORTED. */
    Outcome onExport(CatalogEntry current, ExportResult export, EventHeader header, RevisionSource stored) {
        if (export.getError() != null) {
            return Outcome.unchanged();
        }
        String policy = header.policyId();
        PolicyEdit edit = PolicyEdit.of(current, header, stored, retention);
        Optional<RevisionInfo> known = edit.find(export.getRevision());
        if (known.isEmpty()) {
            return Outcome.rejected(Kind.UNKNOWN_REVISION, "policy " + policy + ": export of unknown revision "
                    + export.getRevision());
        }
        if (known.get().getState() != RevisionState.TRAINED) {
            return Outcome.rejected(Kind.ILLEGAL_TRANSITION, "policy " + policy + ": export of revision "
                    + export.getRevision() + " which is " + known.get().getState() + ", expected TRAINED");
        }
        String problem = exportProblem(current, export);
        if (problem != null) {
            return Outcome.rejected(Kind.ILLEGAL_TRANSITION, "policy " + policy + ": export of revision "
                    + export.getRevision() + ": " + problem);
        }
        RevisionInfo revision = edit.edit(export.getRevision());
        revision.setAdapterUri(export.getAdapterUri());
        revision.setSha256(export.getSha256().toLowerCase(java.util.Locale.ROOT));
        revision.setBytes(export.getBytes());
        revision.setRank(export.getRank());
        revision.setState(RevisionState.EXPORTED);
        if (export.getTtlMs() != null) {
            revision.setExpiresAt(header.time().toEpochMilli() + export.getTtlMs());
        }
        return Outcome.changed(edit.finish());
    }

    /**
     * Scores of an EXPORTED revision: EVAL_PASSED or EVAL_FAILED by the policy's gate (no gate: passed). A pass under
     * a gate promotes the revision at once.
     */
    Outcome onEval(CatalogEntry current, EvalResult eval, EventHeader header, RevisionSource stored) {
        if (eval.getError() != null) {
            return Outcome.unchanged();
        }
        String policy = header.policyId();
        PolicyEdit edit = PolicyEdit.of(current, header, stored, retention);
        Optional<RevisionInfo> known = edit.find(eval.getRevision());
        if (known.isEmpty()) {
            return Outcome.rejected(Kind.UNKNOWN_REVISION, "policy " + policy + ": eval of unknown revision "
                    + eval.getRevision());
        }
        if (known.get().getState() != RevisionState.EXPORTED) {
            return Outcome.rejected(Kind.ILLEGAL_TRANSITION, "policy " + policy + ": eval of revision " + eval.getRevision()
                    + " which is " + known.get().getState() + ", expected EXPORTED");
        }
        var gate = current.getSpec().getGate();
        GateVerdict verdict = gate == null
                ? new GateVerdict(true, "no promotion gate")
                : GateVerdict.judge(gate, eval.getScores(), Entries.serving(current));
        RevisionInfo revision = edit.edit(eval.getRevision());
        revision.setEvalScores(new HashMap<>(eval.getScores()));
        revision.setState(verdict.passed() ? RevisionState.EVAL_PASSED : RevisionState.EVAL_FAILED);
        if (gate == null || !verdict.passed()) {
            return Outcome.changed(edit.finish());
        }
        String from = edit.entry().getServingRevision();
        String reason = "auto-promoted: " + verdict.explanation();
        edit.movePointer(eval.getRevision(), PointerMoveKind.PROMOTE, reason, appName);
        ServeResult result = ServeResult.newBuilder()
                .setEventId(DerivedIds.of(header.eventId(), "serve-result"))
                .setPolicyId(policy)
                .setTime(header.time())
                .setCorrelationId(eval.getCorrelationId())
                .setProducedBy(appName)
                .setRevision(eval.getRevision())
                .setFromRevision(from)
                .setAccepted(true)
                .setReason(reason)
                .build();
        return Outcome.changed(edit.finish(), result);
    }

    /**
     * The first update of a policy starts from the base model itself; workers say so with an empty base_revision or
     * the base model's id.
     */
    private static boolean isFromBaseModel(CatalogEntry entry, String baseRevision) {
        return baseRevision == null || baseRevision.isBlank() || baseRevision.equals(entry.getSpec().getBaseModel());
    }

    private static String exportProblem(CatalogEntry entry, ExportResult export) {
        if (export.getAdapterUri() == null || export.getAdapterUri().isBlank()) {
            return "adapter_uri is empty";
        }
        if (export.getSha256() == null || !SHA256_HEX.matcher(export.getSha256()).matches()) {
            return "sha256 '" + export.getSha256() + "' is not 64 hex digits";
        }
        if (export.getBytes() <= 0) {
            return "bytes " + export.getBytes() + " must be > 0";
        }
        if (export.getRank() < PolicySpecChecks.MIN_RANK || export.getRank() > PolicySpecChecks.MAX_RANK) {
            return "rank " + export.getRank() + " is out of range " + PolicySpecChecks.MIN_RANK + ".."
                    + PolicySpecChecks.MAX_RANK;
        }
        if (export.getTtlMs() != null && export.getTtlMs() <= 0) {
            return "ttl_ms " + export.getTtlMs() + " must be > 0 (or null for no time limit)";
        }
        if (!export.getBaseModel().equals(entry.getSpec().getBaseModel())) {
            return "base_model '" + export.getBaseModel() + "' is not the policy's '" + entry.getSpec().getBaseModel() + "'";
        }
        return null;
    }
}
