package ai.mint.catalog.internal;

import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Read helpers over a catalog entry, and the copy every change starts from (entries from the store are never edited). */
final class Entries {

    private Entries() {
    }

    /** A deep copy stamped as the result of the given input event. */
    static CatalogEntry nextVersion(CatalogEntry current, EventHeader cause) {
        CatalogEntry next = CatalogEntry.newBuilder(current).build();
        next.setEventId(DerivedIds.of(cause.eventId(), "catalog-entry"));
        next.setTime(cause.time());
        next.setUpdatedAt(cause.time());
        return next;
    }

    static Optional<RevisionInfo> revision(CatalogEntry entry, String revision) {
        return entry.getRevisions().stream().filter(r -> r.getRevision().equals(revision)).findFirst();
    }

    static OptionalInt indexOf(CatalogEntry entry, String revision) {
        List<RevisionInfo> revisions = entry.getRevisions();
        for (int i = 0; i < revisions.size(); i++) {
            if (revisions.get(i).getRevision().equals(revision)) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** Whether the serving pointer ever pointed at this revision. */
    static boolean everServed(CatalogEntry entry, String revision) {
        return entry.getHistory().stream().anyMatch(m -> m.getTo().equals(revision));
    }

    static Optional<RevisionInfo> serving(CatalogEntry entry) {
        return entry.getServingRevision() == null ? Optional.empty() : revision(entry, entry.getServingRevision());
    }
}
