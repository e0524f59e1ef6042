package ai.mint.catalog.query;

import ai.mint.common.catalog.CatalogKeys;
import ai.mint.common.catalog.PolicyFilter;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMoved;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A reader over TopologyTestDriver stores that owns only the policies {@code owns} accepts and names another instance
 * for the rest: the ownership a rebalance would hand out, without a broker.
 */
final class ShardedStoreReader implements CatalogReader {

    private final ReadOnlyKeyValueStore<String, CatalogEntry> entries;
    private final ReadOnlyKeyValueStore<String, CatalogRevision> revisions;
    private final ReadOnlyKeyValueStore<String, PointerMoved> history;
    private final Predicate<String> owns;
    volatile String otherInstance;

    ShardedStoreReader(ReadOnlyKeyValueStore<String, CatalogEntry> entries,
                       ReadOnlyKeyValueStore<String, CatalogRevision> revisions,
                       ReadOnlyKeyValueStore<String, PointerMoved> history, Predicate<String> owns) {
        this.entries = entries;
        this.revisions = revisions;
        this.history = history;
        this.owns = owns;
    }

    @Override
    public Lookup<CatalogEntry> entry(String policyId) {
        if (!owns.test(policyId)) {
            return new Lookup.Elsewhere<>(otherInstance);
        }
        CatalogEntry entry = entries.get(policyId);
        return entry == null ? new Lookup.Missing<>("unknown policy " + policyId) : new Lookup.Found<>(entry);
    }

    @Override
    public Lookup<CatalogRevision> revision(String policyId, String revision) {
        if (!owns.test(policyId)) {
            return new Lookup.Elsewhere<>(otherInstance);
        }
        CatalogRevision found = revisions.get(CatalogKeys.revisionKey(policyId, revision));
        if (found != null) {
            return new Lookup.Found<>(found);
        }
        return entries.get(policyId) == null ? new Lookup.Missing<>("unknown policy " + policyId)
                : new Lookup.Missing<>("policy " + policyId + " has no revision " + revision);
    }

    @Override
    public Lookup<List<CatalogRevision>> revisions(String policyId, String after, int limit) {
        String prefix = CatalogKeys.prefix(policyId);
        return range(policyId, revisions, prefix + (after == null ? "" : after),
                after == null ? null : prefix + after, limit);
    }

    @Override
    public Lookup<List<PointerMoved>> history(String policyId, int afterSequence, int limit) {
        return range(policyId, history, CatalogKeys.historyKey(policyId, afterSequence + 1), null, limit);
    }

    private <V> Lookup<List<V>> range(String policyId, ReadOnlyKeyValueStore<String, V> store, String from,
                                      String after, int limit) {
        if (!owns.test(policyId)) {
            return new Lookup.Elsewhere<>(otherInstance);
        }
        if (entries.get(policyId) == null) {
            return new Lookup.Missing<>("unknown policy " + policyId);
        }
        String upper = policyId + (char) (CatalogKeys.SEPARATOR + 1);
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.range(from, upper)) {
            while (it.hasNext() && values.size() < limit) {
                KeyValue<String, V> next = it.next();
                if (!next.key.equals(after)) {
                    values.add(next.value);
                }
            }
        }
        return new Lookup.Found<>(values);
    }

    @Override
    public Local<PolicyPage> localPolicies(PolicyFilter filter, String after, int limit, int scanBudget) {
        try (KeyValueIterator<String, CatalogEntry> it = after == null ? entries.all() : entries.range(after, null)) {
            return new Local.Ready<>(PolicyScan.page(owned(it), filter, after, limit, scanBudget));
        }
    }

    @Override
    public Local<Long> localCount(PolicyFilter filter) {
        try (KeyValueIterator<String, CatalogEntry> it = entries.all()) {
            return new Local.Ready<>(PolicyScan.count(owned(it), filter));
        }
    }

    private Iterator<KeyValue<String, CatalogEntry>> owned(KeyValueIterator<String, CatalogEntry> all) {
        List<KeyValue<String, CatalogEntry>> mine = new ArrayList<>();
        all.forEachRemaining(kv -> {
            if (owns.test(kv.key)) {
                mine.add(kv);
            }
        });
        return mine.iterator();
    }

    @Override
    public List<String> otherInstances() {
        return otherInstance == null ? List.of() : List.of(otherInstance);
    }
}
