package ai.mint.client;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.kafka.TopicFollower;
import ai.mint.events.CatalogEntry;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The client's copy of the catalog, folded from the compacted catalog topic: the latest entry of every policy, and
 * futures that complete when a policy's entry first satisfies a condition (e.g. "has this spec"). It holds every
 * policy, so the client uses it only when it is given no catalog query API ({@link LookedUpCatalog} otherwise).
 */
final class CatalogView implements PolicyDirectory {

    private record Waiter(String policyId, Predicate<CatalogEntry> condition, CompletableFuture<CatalogEntry> future) {
    }

    private final Map<String, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final TopicFollower<CatalogEntry> follower;

    CatalogView(KafkaClients clients, SchemaRegistryClient registry, String clientId) {
        this.follower = new TopicFollower<>(clients, registry, Topics.CATALOG.name(), CatalogEntry.class, true,
                clientId + "-catalog", this::accept);
    }

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

    @Override
    public Optional<CatalogEntry> get(String policyId) {
        return Optional.ofNullable(entries.get(policyId));
    }

    @Override
    public List<CatalogEntry> all() {
        return entries.values().stream().sorted(Comparator.comparing(CatalogEntry::getPolicyId)).toList();
    }

    @Override
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

    /** Waits until the whole catalog as it was at start has been read. */
    @Override
    public void awaitCurrent(Duration timeout) {
        try {
            follower.caughtUp().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new MintClientException("could not read the catalog topic within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MintClientException("interrupted while reading the catalog", e);
        } catch (ExecutionException e) {
            throw new MintClientException("cannot read the catalog: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
