package ai.mint.catalog.internal;

import ai.mint.catalog.RetentionSettings;
import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.PolicySpec;
import ai.mint.events.RetirementReason;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RollbackRequest;
import ai.mint.events.ServeRequest;
import ai.mint.events.UpdateResult;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The lifecycle state machine as a pure function: given a policy's catalog entry (null when the policy is unknown) and
 * one lifecycle event, what the entry and its revisions become, which results to publish, or why the event is refused.
 * Revisions the entry no longer carries are read through a {@link RevisionSource}. Kafka plays no part here, so a replay
 * of the same events always folds to the same catalog.
 */
public final class LifecycleRules {

    private final RevisionRules revisions;
    private final PointerRules pointer;
    private final RetentionSettings retention;

    /**
     * @param appName   written as produced_by / requested_by on what the catalog itself decides
     * @param retention how many revisions to keep, and the grace period of retired files
     */
    public LifecycleRules(String appName, RetentionSettings retention) {
        this.revisions = new RevisionRules(appName, retention);
        this.pointer = new PointerRules(appName, retention);
        this.retention = retention;
    }

    /** Folds one event into the policy's entry; {@code stored} holds the revisions the entry no longer carries. */
    public Outcome apply(CatalogEntry current, SpecificRecord event, RevisionSource stored) {
        EventHeader header = EventHeader.of(event);
        if (current != null && !current.getPolicyId().equals(header.policyId())) {
            throw new IllegalStateException("entry of " + current.getPolicyId() + " given an event of " + header.policyId());
        }
        if (event instanceof PolicySpec spec) {
            return PolicySpecRules.apply(current, spec, header, stored, retention);
        }
        if (current == null) {
            return unknownPolicy(event, header);
        }
        if (event instanceof UpdateResult update) {
            return revisions.onUpdate(current, update, header, stored);
        }
        if (event instanceof ExportResult export) {
            return revisions.onExport(current, export, header, stored);
        }
        if (event instanceof EvalResult eval) {
            return revisions.onEval(current, eval, header, stored);
        }
        if (event instanceof ServeRequest serve) {
            return pointer.onServe(current, serve, header, stored);
        }
        if (event instanceof RollbackRequest rollback) {
            return pointer.onRollback(current, rollback, header, stored);
        }
        throw new IllegalArgumentException("the catalog does not fold " + event.getSchema().getFullName());
    }

    /**
     * The time to live of a revision's checkpoint has ended at {@code now}: retention retires it, unless it serves, is
     * a rollback target or is already retired (then nothing changes).
     */
    public Outcome expire(CatalogEntry current, String revision, Instant now, RevisionSource stored) {
        if (current == null) {
            return Outcome.unchanged();
        }
        EventHeader cause = new EventHeader(DerivedIds.of(current.getPolicyId() + "@" + revision + "@" + now.toEpochMilli(),
                "expiry"), current.getPolicyId(), now);
        PolicyEdit edit = PolicyEdit.of(current, cause, stored, retention);
        Optional<RevisionInfo> known = edit.find(revision);
        if (known.isEmpty() || !RetentionRules.retireOnExpiry(known.get(), current.getServingRevision(), now)) {
            return Outcome.unchanged();
        }
        edit.retire(revision, RetirementReason.EXPIRED, now);
        return Outcome.changed(edit.finish());
    }

    private Outcome unknownPolicy(SpecificRecord event, EventHeader header) {
        String reason = "unknown policy " + header.policyId() + ": no PolicySpec was seen for it ("
                + event.getSchema().getName() + " " + header.eventId() + ")";
        if (event instanceof ServeRequest serve) {
            return Outcome.rejected(Kind.UNKNOWN_POLICY, reason, pointer.serveResult(serve, header, null, false, reason));
        }
        if (event instanceof RollbackRequest rollback) {
            String target = rollback.getTargetRevision() == null ? "" : rollback.getTargetRevision();
            return Outcome.rejected(Kind.UNKNOWN_POLICY, reason,
                    pointer.rollbackResult(rollback, header, "", target, false, reason));
        }
        return Outcome.rejected(Kind.UNKNOWN_POLICY, reason);
    }
}
