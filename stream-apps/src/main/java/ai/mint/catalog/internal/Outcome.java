package ai.mint.catalog.internal;

import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMoved;
import ai.mint.events.RevisionRetired;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * What folding one lifecycle event produced: the policy's change (empty when nothing changed), the result events to
 * publish (serve/rollback results) and, when the event was refused, why.
 */
public record Outcome(Optional<Change> change, List<SpecificRecord> results, Optional<Rejection> rejection) {

    /**
     * Everything a change writes: the policy's new (bounded) entry, the revisions it changed, the pointer moves it
     * appended and the revisions retention retired.
     */
    public record Change(CatalogEntry entry, List<CatalogRevision> revisions, List<PointerMoved> moves,
                         List<RevisionRetired> retirements) {
        public Change {
            revisions = List.copyOf(revisions);
            moves = List.copyOf(moves);
            retirements = List.copyOf(retirements);
        }
    }

    public Outcome {
        results = List.copyOf(results);
    }

    /** The new entry, when the policy changed. */
    public Optional<CatalogEntry> changedEntry() {
        return change.map(Change::entry);
    }

    /** The policy changed; nothing else to say. */
    public static Outcome changed(Change change) {
        return new Outcome(Optional.of(change), List.of(), Optional.empty());
    }

    /** The policy changed and this result tells the requester (or everyone) about it. */
    public static Outcome changed(Change change, SpecificRecord result) {
        return new Outcome(Optional.of(change), List.of(result), Optional.empty());
    }

    /** The event was valid but changes nothing (e.g. a failed work result). */
    public static Outcome unchanged() {
        return new Outcome(Optional.empty(), List.of(), Optional.empty());
    }

    /** The event was refused; the catalog is left as it was. */
    public static Outcome rejected(Rejection.Kind kind, String reason) {
        return new Outcome(Optional.empty(), List.of(), Optional.of(new Rejection(kind, reason)));
    }

    /** The event was refused, and the requester gets a result saying so. */
    public static Outcome rejected(Rejection.Kind kind, String reason, SpecificRecord refusal) {
        return new Outcome(Optional.empty(), List.of(refusal), Optional.of(new Rejection(kind, reason)));
    }
}
