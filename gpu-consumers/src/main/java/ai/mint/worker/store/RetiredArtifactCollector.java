package ai.mint.worker.store;

import ai.mint.common.catalog.RemovalPlan;
import ai.mint.events.RevisionRetired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Removes from a {@link FilesystemAdapterStore} the artifacts of revisions the catalog retired, once their grace
 * period has passed ({@link RemovalPlan}). It removes only {@code mint://} artifacts under the store's root whose
 * recorded digest is the retired one, and only when {@code stillRetired} agrees (e.g. the catalog, asked again); a
 * removal first renames the directory away, so no reader ever opens half an adapter. What {@code mint store gc} and,
 * later, a worker run.
 */
public final class RetiredArtifactCollector {

    /**
     * What one collection did.
     *
     * @param removed     artifacts removed
     * @param alreadyGone artifacts due whose directory was no longer there
     * @param kept        artifacts due but kept: outside the store, another digest, or no longer retired
     * @param pending     notices whose grace period has not passed yet
     * @param problems    why each kept artifact was kept, and removals that failed
     */
    public record Report(int removed, int alreadyGone, int kept, long pending, List<String> problems) {
    }

    private final FilesystemAdapterStore store;

    public RetiredArtifactCollector(FilesystemAdapterStore store) {
        this.store = store;
    }

    /**
     * Removes what is due at {@code now}; with {@code dryRun} only reports it.
     *
     * @param stillRetired asked for each due artifact; false keeps it
     */
    public Report collect(Collection<RevisionRetired> notices, Instant now, Predicate<RemovalPlan.Removal> stillRetired,
                          boolean dryRun) {
        int removed = 0;
        int gone = 0;
        int kept = 0;
        List<String> problems = new ArrayList<>();
        for (RemovalPlan.Removal removal : RemovalPlan.due(notices, now)) {
            String uri = removal.uri();
            if (!uri.startsWith(FilesystemAdapterStore.SCHEME)) {
                kept++;
                problems.add(uri + ": kept, it is outside the store (only mint:// artifacts are removed)");
                continue;
            }
            Path dir;
            try {
                dir = store.locate(uri);
            } catch (AdapterStoreException e) {
                kept++;
                problems.add(uri + ": kept, " + e.getMessage());
                continue;
            }
            if (!Files.isDirectory(dir)) {
                gone++;
                continue;
            }
            if (removal.sha256() != null && !removal.sha256().equalsIgnoreCase(FilesystemAdapterStore.recordedDigest(dir))) {
                kept++;
                problems.add(uri + ": kept, it holds another artifact than the retired one (sha-256 differs)");
                continue;
            }
            if (!stillRetired.test(removal)) {
                kept++;
                problems.add(uri + ": kept, the catalog no longer says " + removal.policyId() + "@"
                        + removal.revision() + " is retired");
                continue;
            }
            if (dryRun) {
                removed++;
                continue;
            }
            try {
                store.delete(uri);
                removed++;
            } catch (AdapterStoreException e) {
                problems.add(uri + ": could not be removed: " + e.getMessage());
            }
        }
        return new Report(removed, gone, kept, RemovalPlan.pending(notices, now), problems);
    }
}
