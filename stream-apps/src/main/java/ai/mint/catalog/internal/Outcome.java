package ai.mint.catalog.internal;

import ai.mint.events.CatalogEntry;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * What folding one lifecycle event produced: the policy's new catalog entry (empty when nothing changed), the result
 * events to publish (serve/rollback results) and, when the event was refused, why.
 */
public record Outcome(Optional<CatalogEntry> changedEntry, List<SpecificRecord> results, Optional<Rejection> rejection) {

    public Outcome {
        results = List.copyOf(results);
    }

    /** The entry changed; nothing else to say. */
    public static Outcome changed(CatalogEntry entry) {
        return new Outcome(Optional.of(entry), List.of(), Optional.empty());
    }

    /** The entry changed and these results tell the requester (or everyone) about it. */
    public static Outcome changed(CatalogEntry entry, SpecificRecord result) {
        return new Outcome(Optional.of(entry), List.of(result), Optional.empty());
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
