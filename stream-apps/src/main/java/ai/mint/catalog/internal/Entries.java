package ai.mint.catalog.internal;

import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import java.util.Optional;

/** Read helpers over a catalog entry, and the copy every change starts from (entries from the store are never edited). */
final class Entries {

    private Entries() {
    }

    /** A deep copy stamped as the result of the given input event, one version on. */
    static CatalogEntry nextVersion(CatalogEntry current, EventHeader cause) {
        CatalogEntry next = CatalogEntry.newBuilder(current).build();
        next.setEventId(DerivedIds.of(cause.eventId(), "catalog-entry"));
        next.setTime(cause.time());
        next.setUpdatedAt(cause.time());
        next.setVersion(current.getVersion() + 1);
        return next;
    }

    /** The revision if the entry carries it (the serving one and the newest do). */
    static Optional<RevisionInfo> revision(CatalogEntry entry, String revision) {
        for (RevisionInfo r : entry.getRevisions()) {
            if (r.getRevision().equals(revision)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<RevisionInfo> serving(CatalogEntry entry) {
        return entry.getServingRevision() == null ? Optional.empty() : revision(entry, entry.getServingRevision());
    }

    /** Whether {@code a} came before {@code b} in the policy's training: by step, then by creation time. */
    static boolean earlier(RevisionInfo a, RevisionInfo b) {
        if (a.getStep() != b.getStep()) {
            return a.getStep() < b.getStep();
        }
        return a.getCreatedAt().isBefore(b.getCreatedAt());
    }
}
