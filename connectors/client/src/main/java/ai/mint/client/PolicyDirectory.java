package ai.mint.client;

import ai.mint.events.CatalogEntry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * How the client finds policies: {@link LookedUpCatalog} asks the catalog's query API by key (memory independent of
 * the catalog's size); {@link CatalogView} replays the catalog topic, for a client that is given no query API.
 */
interface PolicyDirectory extends AutoCloseable {

    Optional<CatalogEntry> get(String policyId);

    /** Every policy, by id (walks the whole catalog: for small catalogs and demos). */
    List<CatalogEntry> all();

    /** Completes with the policy's entry once it satisfies {@code condition} (at once if it already does). */
    CompletableFuture<CatalogEntry> when(String policyId, Predicate<CatalogEntry> condition);

    /** Returns once what the directory answers is at least as new as the catalog when this was called. */
    void awaitCurrent(Duration timeout);

    @Override
    void close();
}
