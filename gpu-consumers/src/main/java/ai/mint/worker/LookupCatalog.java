package ai.mint.worker;

import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.catalog.lookup.CatalogLookupException;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * The worker's catalog through the catalog's query API ({@link CatalogLookup}): it holds only the policies it has
 * been asked about, in a bounded cache kept fresh from the catalog topics, so a worker serving 10 policies out of
 * 10^6 holds those 10. A catalog that cannot answer fails the request as unavailable (it is retried or answered with
 * the reason), never as an unknown policy.
 */
final class LookupCatalog implements PolicyCatalog {

    private final CatalogLookup lookup;

    LookupCatalog(PlatformConnection connection, String clientId, int cacheEntries) {
        String urls = connection.catalog().orElseThrow(() -> new IllegalArgumentException(
                "no " + PlatformConnection.CATALOG_URL + " to look policies up at"));
        this.lookup = CatalogLookup.builder(urls.split(",")).cacheCapacity(cacheEntries)
                .followChanges(connection).credentials(connection.catalogUserInfo()).clientId(clientId).build();
    }

    @Override
    public Optional<CatalogEntry> awaitEntry(String policyId, long minVersion, Duration wait) {
        return ask(() -> lookup.awaitEntry(policyId, minVersion, wait));
    }

    @Override
    public Optional<RevisionInfo> revision(String policyId, String revision) {
        return ask(() -> lookup.revision(policyId, revision));
    }

    /** The query API answers for the whole catalog: an absent policy is absent, not unread. */
    @Override
    public boolean caughtUp() {
        return true;
    }

    @Override
    public void close() {
        lookup.close();
    }

    private static <T> T ask(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (CatalogLookupException e) {
            throw new RejectedWorkException(RejectedWorkException.UNAVAILABLE, "the catalog cannot answer: "
                    + e.getMessage(), e);
        }
    }
}
