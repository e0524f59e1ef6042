package ai.mint.catalog.internal;

import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.events.CatalogEntry;
import ai.mint.events.PointerMove;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RollbackResult;
import ai.mint.events.ServeRequest;
import ai.mint.events.ServeResult;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Moves of the serving pointer: promotion of a ready revision, rollback to an earlier good one. */
final class PointerRules {

    private final String appName;

    PointerRules(String appName) {
        this.appName = appName;
    }

    /**
     * Serves a revision that was exported and passed the policy's gate (with no gate, exported is enough; a revision
     * that served before may serve again). The requester always gets a ServeResult.
     */
    Outcome onServe(CatalogEntry current, ServeRequest request, EventHeader header) {
        String policy = header.policyId();
        String target = request.getRevision();
        Optional<RevisionInfo> known = Entries.revision(current, target);
        if (known.isEmpty()) {
            return refuseServe(current, request, header, Kind.UNKNOWN_REVISION,
                    "policy " + policy + ": cannot serve unknown revision " + target);
        }
        Optional<String> notReady = whyNotServable(current, known.get());
        if (notReady.isPresent()) {
            return refuseServe(current, request, header, Kind.ILLEGAL_TRANSITION,
                    "policy " + policy + ": cannot serve revision " + target + ": " + notReady.get());
        }
        CatalogEntry next = Entries.nextVersion(current, header);
        String from = next.getServingRevision();
        String reason = "promoted by " + request.getRequestedBy() + ": " + request.getReason();
        movePointer(next, target, PointerMoveKind.PROMOTE, request.getReason(), request.getRequestedBy(), header);
        return Outcome.changed(next, serveResult(request, header, from, true, reason));
    }

    /**
     * Moves the pointer back to an earlier revision that served or passed eval; with no target, to the most recent
     * such revision before the serving one. The requester always gets a RollbackResult.
     */
    Outcome onRollback(CatalogEntry current, RollbackRequest request, EventHeader header) {
        String policy = header.policyId();
        String serving = current.getServingRevision();
        if (serving == null) {
            return refuseRollback(current, request, header, "", Kind.ILLEGAL_TRANSITION,
                    "policy " + policy + ": nothing is serving, so there is nothing to roll back");
        }
        int servingIndex = Entries.indexOf(current, serving).orElseThrow();
        String target = request.getTargetRevision();
        if (target == null) {
            Optional<String> found = latestGoodBefore(current, servingIndex);
            if (found.isEmpty()) {
                return refuseRollback(current, request, header, "", Kind.ILLEGAL_TRANSITION, "policy " + policy
                        + ": no revision before serving " + serving + " has served or passed eval");
            }
            target = found.get();
        } else {
            OptionalInt targetIndex = Entries.indexOf(current, target);
            if (targetIndex.isEmpty()) {
                return refuseRollback(current, request, header, target, Kind.UNKNOWN_REVISION,
                        "policy " + policy + ": cannot roll back to unknown revision " + target);
            }
            if (targetIndex.getAsInt() >= servingIndex) {
                return refuseRollback(current, request, header, target, Kind.ILLEGAL_TRANSITION, "policy " + policy
                        + ": rollback target " + target + " is not earlier than serving " + serving);
            }
            if (!isGood(current, current.getRevisions().get(targetIndex.getAsInt()))) {
                return refuseRollback(current, request, header, target, Kind.ILLEGAL_TRANSITION, "policy " + policy
                        + ": rollback target " + target + " is " + current.getRevisions().get(targetIndex.getAsInt())
                        .getState() + " and never served or passed eval");
            }
        }
        CatalogEntry next = Entries.nextVersion(current, header);
        movePointer(next, target, PointerMoveKind.ROLLBACK, request.getReason(), request.getRequestedBy(), header);
        String reason = "rolled back by " + request.getRequestedBy() + ": " + request.getReason();
        return Outcome.changed(next, rollbackResult(request, header, serving, target, true, reason));
    }

    /**
     * Points the entry's serving pointer at a revision: the old one is RETIRED, the new one SERVING, and the move is
     * appended to the history. The entry must already be a fresh copy.
     */
    static void movePointer(CatalogEntry next, String to, PointerMoveKind kind, String reason, String requestedBy,
                            EventHeader header) {
        String from = next.getServingRevision();
        if (from != null) {
            Entries.revision(next, from).ifPresent(r -> r.setState(RevisionState.RETIRED));
        }
        Entries.revision(next, to).orElseThrow().setState(RevisionState.SERVING);
        next.setServingRevision(to);
        next.getHistory().add(PointerMove.newBuilder()
                .setTime(header.time())
                .setFrom(from)
                .setTo(to)
                .setKind(kind)
                .setReason(reason)
                .setRequestedBy(requestedBy)
                .build());
    }

    private static Optional<String> whyNotServable(CatalogEntry entry, RevisionInfo revision) {
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

    /** A rollback target: it served before, or it passed eval and so was fit to serve. */
    private static boolean isGood(CatalogEntry entry, RevisionInfo revision) {
        return revision.getState() != RevisionState.EVAL_FAILED
                && (revision.getState() == RevisionState.EVAL_PASSED || Entries.everServed(entry, revision.getRevision()));
    }

    private static Optional<String> latestGoodBefore(CatalogEntry entry, int servingIndex) {
        List<RevisionInfo> revisions = entry.getRevisions();
        for (int i = servingIndex - 1; i >= 0; i--) {
            if (isGood(entry, revisions.get(i))) {
                return Optional.of(revisions.get(i).getRevision());
            }
        }
        return Optional.empty();
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
