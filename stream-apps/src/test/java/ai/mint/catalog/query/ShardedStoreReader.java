package ai.mint.catalog.query;

import ai.mint.events.CatalogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A reader over a TopologyTestDriver store that owns only the keys {@code owns} accepts and names another instance
 * for the rest: the ownership a rebalance would hand out, without a broker.
 */
final class ShardedStoreReader implements CatalogReader {

    private final ReadOnlyKeyValueStore<String, CatalogEntry> store;
    private final Predicate<String> owns;
    volatile String otherInstance;

    ShardedStoreReader(ReadOnlyKeyValueStore<String, CatalogEntry> store, Predicate<String> owns) {
        this.store = store;
        this.owns = owns;
    }

    @Override
    public Lookup lookup(String policyId) {
        if (!owns.test(policyId)) {
            return new Lookup.Elsewhere(otherInstance);
        }
        CatalogEntry entry = store.get(policyId);
        return entry == null ? new Lookup.Missing() : new Lookup.Found(entry);
    }

    @Override
    public LocalPage firstLocalPolicies(int limit) {
        List<PolicySummary> items = new ArrayList<>();
        try (KeyValueIterator<String, CatalogEntry> it = store.all()) {
            while (it.hasNext() && items.size() < limit) {
                KeyValue<String, CatalogEntry> next = it.next();
                if (owns.test(next.key)) {
                    items.add(PolicySummary.of(next.value));
                }
            }
        }
        return new LocalPage.Page(items);
    }

    @Override
    public List<String> otherInstances() {
        return otherInstance == null ? List.of() : List.of(otherInstance);
    }
}
