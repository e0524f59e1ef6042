package ai.mint.catalog.internal;

import ai.mint.catalog.CatalogStores;
import ai.mint.catalog.RetentionSettings;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMove;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.PointerMoved;
import ai.mint.events.RetirementReason;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionRetired;
import ai.mint.events.RevisionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One change to a policy while a single event is folded: a fresh copy of its entry, the revisions it touches (read
 * from the entry or the revision store, copied before they change), pointer moves and retirements. {@link #finish}
 * bounds the entry (the serving revision plus the newest {@link RetentionSettings#keepLast()}, the newest
 * {@link CatalogStores#ENTRY_HISTORY_MOVES} moves), retires unprotected revisions that fell out of the newest, and
 * returns every record to write. Entries written before bounds existed (version 0) are upgraded here: their
 * revisions and moves become records of their own.
 */
final class PolicyEdit {

    private final CatalogEntry next;
    private final EventHeader cause;
    private final RevisionSource stored;
    private final RetentionSettings retention;
    private final Map<String, RevisionInfo> changed = new LinkedHashMap<>();
    private final List<PointerMoved> moves = new ArrayList<>();
    private final List<RevisionRetired> retirements = new ArrayList<>();

    private PolicyEdit(CatalogEntry next, EventHeader cause, RevisionSource stored, RetentionSettings retention) {
        this.next = next;
        this.cause = cause;
        this.stored = stored;
        this.retention = retention;
    }

    /** An edit of an existing policy, stamped as caused by {@code cause}. */
    static PolicyEdit of(CatalogEntry current, EventHeader cause, RevisionSource stored, RetentionSettings retention) {
        PolicyEdit edit = new PolicyEdit(Entries.nextVersion(current, cause), cause, stored, retention);
        if (current.getVersion() == 0) {
            edit.upgradeUnboundedEntry();
        }
        return edit;
    }

    /** An edit of a policy the catalog has just created from its first spec. */
    static PolicyEdit ofCreated(CatalogEntry created, EventHeader cause, RetentionSettings retention) {
        return new PolicyEdit(created, cause, RevisionSource.NONE, retention);
    }

    CatalogEntry entry() {
        return next;
    }

    String policyId() {
        return next.getPolicyId();
    }

    /** The revision as it stands in this edit (changed, in the entry, or stored); do not modify what it returns. */
    Optional<RevisionInfo> find(String revision) {
        RevisionInfo edited = changed.get(revision);
        if (edited != null) {
            return Optional.of(edited);
        }
        Optional<RevisionInfo> inEntry = Entries.revision(next, revision);
        return inEntry.isPresent() ? inEntry : stored.find(policyId(), revision);
    }

    /** A revision to modify; the change is written when the edit finishes. */
    RevisionInfo edit(String revision) {
        RevisionInfo edited = changed.get(revision);
        if (edited != null) {
            return edited;
        }
        Optional<RevisionInfo> inEntry = Entries.revision(next, revision);
        // entry revisions are already copies (nextVersion copies deeply); stored ones are copied here
        RevisionInfo copy = inEntry.orElseGet(() -> stored.find(policyId(), revision)
                .map(r -> RevisionInfo.newBuilder(r).build())
                .orElseThrow(() -> new IllegalStateException("policy " + policyId() + " has no revision " + revision)));
        changed.put(revision, copy);
        return copy;
    }

    /** Every revision of the policy as it stands in this edit, each once, in no particular order. */
    void forEachRevision(Consumer<RevisionInfo> action) {
        Set<String> seen = new HashSet<>(changed.keySet());
        changed.values().forEach(action);
        for (RevisionInfo r : next.getRevisions()) {
            if (seen.add(r.getRevision())) {
                action.accept(r);
            }
        }
        stored.forEach(policyId(), r -> {
            if (seen.add(r.getRevision())) {
                action.accept(r);
            }
        });
    }

    /** A new revision: the newest of the policy. */
    void add(RevisionInfo created) {
        changed.put(created.getRevision(), created);
        next.getRevisions().add(created);
        next.setRevisionCount(next.getRevisionCount() + 1);
    }

    /**
     * Points the serving pointer at {@code to}: the old serving revision is RETIRED (it may serve again), the new one
     * SERVING and marked as served; the move is appended to the history.
     */
    void movePointer(String to, PointerMoveKind kind, String reason, String requestedBy) {
        String from = next.getServingRevision();
        if (from != null) {
            edit(from).setState(RevisionState.RETIRED);
        }
        RevisionInfo target = edit(to);
        target.setState(RevisionState.SERVING);
        target.setServed(true);
        next.setServingRevision(to);
        appendMove(PointerMove.newBuilder()
                .setTime(cause.time())
                .setFrom(from)
                .setTo(to)
                .setKind(kind)
                .setReason(reason)
                .setRequestedBy(requestedBy)
                .build());
    }

    /** Retention retires {@code revision}: RETIRED for good, and a notice saying when its files may go. */
    void retire(String revision, RetirementReason reason, Instant now) {
        RevisionInfo r = edit(revision);
        r.setState(RevisionState.RETIRED);
        r.setRetiredAt(now.toEpochMilli());
        retirements.add(RevisionRetired.newBuilder()
                .setEventId(DerivedIds.of(cause.eventId(), "retired:" + revision))
                .setPolicyId(policyId())
                .setTime(now)
                .setRevision(revision)
                .setReason(reason)
                .setAdapterUri(r.getAdapterUri())
                .setSha256(r.getSha256())
                .setStateUri(r.getStateUri())
                .setRemoveAfter(now.plus(retention.grace()))
                .build());
    }

    /** The bounded entry and every record this edit writes. */
    Outcome.Change finish() {
        boundRevisions();
        List<PointerMove> history = next.getHistory();
        int excess = history.size() - CatalogStores.ENTRY_HISTORY_MOVES;
        if (excess > 0) {
            next.setHistory(new ArrayList<>(history.subList(excess, history.size())));
        }
        List<CatalogRevision> revisions = new ArrayList<>(changed.size());
        for (RevisionInfo r : changed.values()) {
            revisions.add(CatalogRevision.newBuilder()
                    .setEventId(DerivedIds.of(cause.eventId(), "revision:" + r.getRevision()))
                    .setPolicyId(policyId())
                    .setTime(cause.time())
                    .setRevision(r)
                    .setEntryVersion(next.getVersion())
                    .build());
        }
        return new Outcome.Change(next, revisions, moves, retirements);
    }

    /**
     * Keeps the newest revisions in the entry, and the serving one wherever it is; an unprotected revision that falls
     * out of the newest is retired.
     */
    private void boundRevisions() {
        List<RevisionInfo> list = next.getRevisions();
        String serving = next.getServingRevision();
        int keep = retention.keepLast();
        List<RevisionInfo> bounded = new ArrayList<>(keep + 1);
        List<RevisionInfo> newest = list.subList(Math.max(0, list.size() - keep), list.size());
        boolean servingKept = serving == null || newest.stream().anyMatch(r -> r.getRevision().equals(serving));
        if (!servingKept) {
            bounded.add(edit(serving)); // older than the newest: it stays in front of them
        }
        for (RevisionInfo older : list.subList(0, Math.max(0, list.size() - keep))) {
            if (!older.getRevision().equals(serving) && RetentionRules.retireOnLeavingWindow(older, serving)) {
                retire(older.getRevision(), RetirementReason.KEEP_LAST, cause.time());
            }
        }
        bounded.addAll(newest);
        next.setRevisions(bounded);
    }

    private void appendMove(PointerMove move) {
        int sequence = next.getHistoryCount() + 1;
        next.setHistoryCount(sequence);
        next.getHistory().add(move);
        moves.add(PointerMoved.newBuilder()
                .setEventId(DerivedIds.of(cause.eventId(), "moved:" + sequence))
                .setPolicyId(policyId())
                .setTime(move.getTime())
                .setSequence(sequence)
                .setMove(move)
                .build());
    }

    /** An entry from before bounded entries: every revision and move it carries becomes a record of its own. */
    private void upgradeUnboundedEntry() {
        Set<String> everServed = new HashSet<>();
        next.getHistory().forEach(m -> everServed.add(m.getTo()));
        for (RevisionInfo r : next.getRevisions()) {
            r.setServed(everServed.contains(r.getRevision()));
            changed.put(r.getRevision(), r);
        }
        next.setRevisionCount(next.getRevisions().size());
        int sequence = 0;
        for (PointerMove m : next.getHistory()) {
            sequence++;
            moves.add(PointerMoved.newBuilder()
                    .setEventId(DerivedIds.of(next.getPolicyId() + "#" + sequence, "upgraded-move"))
                    .setPolicyId(policyId())
                    .setTime(m.getTime())
                    .setSequence(sequence)
                    .setMove(PointerMove.newBuilder(m).build())
                    .build());
        }
        next.setHistoryCount(sequence);
    }
}
