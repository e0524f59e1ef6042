package ai.mint.catalog.internal;

import ai.mint.catalog.RetentionSettings;
import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.events.CatalogEntry;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RollbackResult;
import ai.mint.events.ServeRequest;
import ai.mint.events.ServeResult;
import java.time.Instant;
import java.util.Optional;

/** Moves of the serving pointer: promotion of a ready revision, rollback to an earlier good one. */
final class PointerRules {

    private final String appName;
    private final RetentionSettings retention;

    PointerRules(String appName, RetentionSettings retention) {
        this.appName = appName;
        this.retention = retention;
    }

    /**
     * Serves a revision that was exported and passed the policy's gate (with no gate, exported is enough; a revision
     * that served before may serve again, unless retention retired it). The requester always gets a ServeResult.
     */
    Outcome onServe(CatalogEntry current, ServeRequest request, EventHeader header, RevisionSource stored) {
        String policy = header.policyId();
        String target = request.getRevision();
        PolicyEdit edit = PolicyEdit.of(current, header, stored, retention);
        Optional<RevisionInfo> known = edit.find(target);
        if (known.isEmpty()) {
            return refuseServe(current, request, header, Kind.UNKNOWN_REVISION,
                    "policy " + policy + ": cannot serve unknown revision " + target);
        }
        Optional<String> notReady = whyNotServable(current, known.get());
        if (notReady.isPresent()) {
            return refuseServe(current, request, header, Kind.ILLEGAL_TRANSITION,
                    "policy " + policy + ": cannot serve revision " + target + ": " + notReady.get());
        }
        String from = current.getServingRevision();
        String reason = "promoted by " + request.getRequestedBy() + ": " + request.getReason();
        edit.movePointer(target, PointerMoveKind.PROMOTE, request.getReason(), request.getRequestedBy());
        return Outcome.changed(edit.finish(), serveResult(request, header, from, true, reason));
    }

    /**
     * Moves the pointer back to an earlier revision that served or passed eval; with no target, to the most recent
     * such revision before the serving one (found among all stored revisions, not only those the entry carries). The
     * requester always gets a RollbackResult.
     */
    Outcome onRollback(CatalogEntry current, RollbackRequest request, EventHeader header, RevisionSource stored) {
        String policy = header.policyId();
        String serving = current.getServingRevision();
        if (serving == null) {
            return refuseRollback(current, request, header, "", Kind.ILLEGAL_TRANSITION,
                    "policy " + policy + ": nothing is serving, so there is nothing to roll back");
        }
        PolicyEdit edit = PolicyEdit.of(current, header, stored, retention);
        RevisionInfo servingInfo = edit.find(serving).orElseThrow();
        String target = request.getTargetRevision();
        if (target == null) {
            Optional<RevisionInfo> found = latestGoodBefore(edit, servingInfo);
            if (found.isEmpty()) {
                return refuseRollback(current, request, header, "", Kind.ILLEGAL_TRANSITION, "policy " + policy
                        + ": no revision before serving " + serving + " has served or passed eval");
            }
            target = found.get().getRevision();
        } else {
            Optional<RevisionInfo> known = edit.find(target);
            if (known.isEmpty()) {
                return refuseRollback(current, request, header, target, Kind.UNKNOWN_REVISION,
                        "policy " + policy + ": cannot roll back to unknown revision " + target);
            }
            if (!Entries.earlier(known.get(), servingInfo)) {
                return refuseRollback(current, request, header, target, Kind.ILLEGAL_TRANSITION, "policy " + policy
                        + ": rollback target " + target + " is not earlier than serving " + serving);
            }
            if (!RetentionRules.isRollbackTarget(known.get())) {
                String why = RetentionRules.isRetired(known.get())
                        ? " was retired by retention at " + Instant.ofEpochMilli(known.get().getRetiredAt())
                        : " is " + known.get().getState() + " and never served or passed eval";
                return refuseRollback(current, request, header, target, Kind.ILLEGAL_TRANSITION, "policy " + policy
                        + ": rollback target " + target + why);
            }
        }
        edit.movePointer(target, PointerMoveKind.ROLLBACK, request.getReason(), request.getRequestedBy());
        String reason = "rolled back by " + request.getRequestedBy() + ": " + request.getReason();
        return Outcome.changed(edit.finish(), rollbackResult(request, header, serving, target, true, reason));
    }

    private static Optional<String> whyNotServable(CatalogEntry entry, RevisionInfo revision) {
        if (RetentionRules.isRetired(revision)) {
            return Optional.of("it was retired by retention at " + Instant.ofEpochMilli(revision.getRetiredAt())
                    + " and its adapter may be gone; serve a kept revision");
        }
        boolean gated = entry.getSpec().getGate() != null;
        return switch (revision.getState()) {
            case SERVING -> Optional.of("it is already serving");
            case TRAINED -> Optional.of("it is TRAINED but not exported yet");
            case EVAL_FAILED -> Optional.of("it failed eval (scores " + revision.getEvalScores() + ")");
            case EXPORTED -> gated
                    ? Optional.of("it is EXPORTED but has not passed the promotion gate on "
                            + entry.getSpec().getGate().getMetric() + " yet")
                    : Optional.empty();
            case EVAL_PASSED -> Optional.empty();
            case RETIRED -> Optional.empty(); // it served before, so it met the bar then
        };
    }

    /** The newest rollback target before the serving revision, over every revision of the policy. */
    private static Optional<RevisionInfo> latestGoodBefore(PolicyEdit edit, RevisionInfo serving) {
        RevisionInfo[] best = new RevisionInfo[1];
        edit.forEachRevision(r -> {
            if (RetentionRules.isRollbackTarget(r) && Entries.earlier(r, serving)
                    && (best[0] == null || Entries.earlier(best[0], r))) {
                best[0] = r;
            }
        });
        return Optional.ofNullable(best[0]);
    }

    private Outcome refuseServe(CatalogEntry current, ServeRequest request, EventHeader header, Kind kind, String reason) {
        return Outcome.rejected(kind, reason, serveResult(request, header, current.getServingRevision(), false, reason));
    }

    private Outcome refuseRollback(CatalogEntry current, RollbackRequest request, EventHeader header, String target,
                                   Kind kind, String reason) {
        String from = current.getServingRevision() == null ? "" : current.getServingRevision();
        return Outcome.rejected(kind, reason, rollbackResult(request, header, from, target, false, reason));
    }

    ServeResult serveResult(ServeRequest request, EventHeader header, String from, boolean accepted, String reason) {
        return ServeResult.newBuilder()
                .setEventId(DerivedIds.of(header.eventId(), "serve-result"))
                .setPolicyId(header.policyId())
                .setTime(header.time())
                .setCorrelationId(request.getCorrelationId())
                .setProducedBy(appName)
                .setRevision(request.getRevision())
                .setFromRevision(from)
                .setAccepted(accepted)
                .setReason(reason)
                .build();
    }

    RollbackResult rollbackResult(RollbackRequest request, EventHeader header, String from, String to, boolean accepted,
                                  String reason) {
        return RollbackResult.newBuilder()
                .setEventId(DerivedIds.of(header.eventId(), "rollback-result"))
                .setPolicyId(header.policyId())
                .setTime(header.time())
                .setCorrelationId(request.getCorrelationId())
                .setProducedBy(appName)
                .setFromRevision(from)
                .setToRevision(to)
                .setAccepted(accepted)
                .setReason(reason)
                .build();
    }
}
