package ai.mint.catalog.internal;

import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.PolicySpec;
import ai.mint.events.RollbackRequest;
import ai.mint.events.ServeRequest;
import ai.mint.events.UpdateResult;
import org.apache.avro.specific.SpecificRecord;

/**
 * The lifecycle state machine as a pure function: given a policy's catalog entry (null when the policy is unknown) and
 * one lifecycle event, what the entry becomes, which results to publish, or why the event is refused. Kafka plays no
 * part here, so a replay of the same events always folds to the same catalog.
 */
public final class LifecycleRules {

    private final RevisionRules revisions;
    private final PointerRules pointer;

    /** @param appName written as produced_by / requested_by on what the catalog itself decides */
    public LifecycleRules(String appName) {
        this.revisions = new RevisionRules(appName);
        this.pointer = new PointerRules(appName);
    }

    /** Folds one event into the policy's entry. */
    public Outcome apply(CatalogEntry current, SpecificRecord event) {
        EventHeader header = EventHeader.of(event);
        if (current != null && !current.getPolicyId().equals(header.policyId())) {
            throw new IllegalStateException("entry of " + current.getPolicyId() + " given an event of " + header.policyId());
        }
        if (event instanceof PolicySpec spec) {
            return PolicySpecRules.apply(current, spec, header);
        }
        if (current == null) {
            return unknownPolicy(event, header);
        }
        if (event instanceof UpdateResult update) {
            return revisions.onUpdate(current, update, header);
        }
        if (event instanceof ExportResult export) {
            return revisions.onExport(current, export, header);
        }
        if (event instanceof EvalResult eval) {
            return revisions.onEval(current, eval, header);
        }
        if (event instanceof ServeRequest serve) {
            return pointer.onServe(current, serve, header);
        }
        if (event instanceof RollbackRequest rollback) {
            return pointer.onRollback(current, rollback, header);
        }
        throw new IllegalArgumentException("the catalog does not fold " + event.getSchema().getFullName());
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
