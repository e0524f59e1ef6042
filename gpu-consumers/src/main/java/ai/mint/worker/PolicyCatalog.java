package ai.mint.worker;

import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * How a worker finds a policy and its revisions: by key, never by holding the whole catalog (see
 * {@link LookupCatalog}). {@link CatalogFollower} replays the catalog topic instead, for a worker that is given no
 * catalog query API.
 */
public interface PolicyCatalog extends AutoCloseable {

    /** The policy's entry, asking again until it exists or {@code wait} has passed (it may have just been created). */
    default Optional<CatalogEntry> awaitEntry(String policyId, Duration wait) {
        return awaitEntry(policyId, Long.MIN_VALUE, wait);
    }

    /**
     * The policy's entry at {@code minVersion} or newer (a version the request's sender has seen), waiting up to
     * {@code wait}; after that whatever entry is known, possibly older.
     */
    Optional<CatalogEntry> awaitEntry(String policyId, long minVersion, Duration wait);

    /** One revision of a policy, old ones included. */
    Optional<RevisionInfo> revision(String policyId, String revision);

    /** Whether an absent policy is truly unknown (or only a moment late), rather than not read yet. */
    boolean caughtUp();

    @Override
    void close();
}
