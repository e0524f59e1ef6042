package ai.mint.client;

import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.catalog.lookup.CatalogLookupException;
import ai.mint.common.catalog.lookup.Page;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.events.CatalogEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The client's catalog through the catalog's query API: it holds only what it was asked about (a bounded cache), and
 * waits for a change by asking again with a growing pause (20 ms up to 500 ms), never by replaying the catalog topic.
 */
final class LookedUpCatalog implements PolicyDirectory {

    private static final int PAGE = 500;

    private final CatalogLookup lookup;
    private final ScheduledExecutorService polls = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mint-client-catalog-poll");
        t.setDaemon(true);
        return t;
    });

    LookedUpCatalog(PlatformConnection connection) {
        String urls = connection.catalog().orElseThrow();
        this.lookup = CatalogLookup.builder(urls.split(",")).maxAge(Duration.ofMillis(200))
                .credentials(connection.catalogUserInfo()).build();
    }

    @Override
    public Optional<CatalogEntry> get(String policyId) {
        return ask(() -> lookup.entry(policyId));
    }

    @Override
    public List<CatalogEntry> all() {
        List<CatalogEntry> entries = new ArrayList<>();
        String after = null;
        while (true) {
            String cursor = after;
            Page<PolicySummary> page = ask(() -> lookup.policies(PolicyFilter.ALL, cursor, PAGE));
            page.items().forEach(s -> get(s.policyId()).ifPresent(entries::add));
            if (!page.hasMore()) {
                return entries;
            }
            after = page.nextCursor();
        }
    }

    @Override
    public CompletableFuture<CatalogEntry> when(String policyId, Predicate<CatalogEntry> condition) {
        CompletableFuture<CatalogEntry> future = new CompletableFuture<>();
        poll(policyId, condition, future, 20);
        return future;
    }

    private void poll(String policyId, Predicate<CatalogEntry> condition, CompletableFuture<CatalogEntry> future,
                      long pauseMs) {
        if (future.isDone()) {
            return; // timed out or cancelled by the caller
        }
        try {
            lookup.invalidate(policyId);
            Optional<CatalogEntry> now = lookup.entry(policyId);
            if (now.isPresent() && condition.test(now.get())) {
                future.complete(now.get());
                return;
            }
        } catch (CatalogLookupException e) {
            // the catalog may be restarting: ask again; the caller's timeout bounds the wait
        }
        polls.schedule(() -> poll(policyId, condition, future, Math.min(pauseMs * 2, 500)), pauseMs,
                TimeUnit.MILLISECONDS);
    }

    /** The query API answers from the catalog's stores: nothing to catch up on. */
    @Override
    public void awaitCurrent(Duration timeout) {
    }

    @Override
    public void close() {
        polls.shutdownNow();
        lookup.close();
    }

    private static <T> T ask(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (CatalogLookupException e) {
            throw new MintClientException("the catalog cannot answer: " + e.getMessage(), e);
        }
    }
}
