package ai.mint.client;

import ai.mint.events.CatalogEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The client's copy of the catalog, folded from the compacted catalog topic: the latest entry of every policy, and
 * futures that complete when a policy's entry first satisfies a condition (e.g. "has this spec").
 */
public final class CatalogView {

    private record Waiter(String policyId, Predicate<CatalogEntry> condition, CompletableFuture<CatalogEntry> future) {
    }

    private final Map<String, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();

    void accept(CatalogEntry entry) {
        entries.put(entry.getPolicyId(), entry);
        List<Waiter> done = new ArrayList<>();
        synchronized (waiters) {
            for (Waiter w : waiters) {
                if (w.policyId().equals(entry.getPolicyId()) && w.condition().test(entry)) {
                    done.add(w);
                }
            }
            waiters.removeAll(done);
        }
        done.forEach(w -> w.future().complete(entry));
    }

    public Optional<CatalogEntry> get(String policyId) {
        return Optional.ofNullable(entries.get(policyId));
    }

    /** Every policy, by id. */
    public List<CatalogEntry> all() {
        return entries.values().stream().sorted(Comparator.comparing(CatalogEntry::getPolicyId)).toList();
    }

    /** Completes with the policy's entry once it satisfies {@code condition} (at once if it already does). */
    public CompletableFuture<CatalogEntry> when(String policyId, Predicate<CatalogEntry> condition) {
        CompletableFuture<CatalogEntry> future = new CompletableFuture<>();
        synchronized (waiters) {
            CatalogEntry now = entries.get(policyId);
            if (now != null && condition.test(now)) {
                future.complete(now);
                return future;
            }
            waiters.add(new Waiter(policyId, condition, future));
        }
        return future;
    }
}
