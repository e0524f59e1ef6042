package ai.mint.catalog.query;

import ai.mint.catalog.CatalogStores;
import ai.mint.common.catalog.CatalogKeys;
import ai.mint.common.catalog.PolicyFilter;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMoved;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStorePartitionException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the catalog stores of a running Kafka Streams instance with interactive queries (the store interface; see {@link #partitionStore}): a policy's entry,
 * revisions and moves come from the partition that owns the policy (or name the instance that does); lists and counts
 * cover this instance's active partitions, merged in id order.
 */
public final class StreamsCatalogReader implements CatalogReader {

    private final Serde<String> keySerde = Serdes.String();
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    /** Connects the reader to the app once it exists; until then every answer is "not ready". */
    public void attach(KafkaStreams streams, HostInfo self) {
        this.self = self;
        this.streams = streams;
    }

    @Override
    public Lookup<CatalogEntry> entry(String policyId) {
        return onOwner(policyId, (app, partition) -> {
            CatalogEntry entry = get(app, CatalogStores.ENTRIES, policyId, partition);
            return entry == null ? new Lookup.Missing<>("unknown policy " + policyId) : new Lookup.Found<>(entry);
        });
    }

    @Override
    public Lookup<CatalogRevision> revision(String policyId, String revision) {
        return onOwner(policyId, (app, partition) -> {
            CatalogRevision found = get(app, CatalogStores.REVISIONS, CatalogKeys.revisionKey(policyId, revision),
                    partition);
            if (found != null) {
                return new Lookup.Found<>(found);
            }
            return get(app, CatalogStores.ENTRIES, policyId, partition) == null
                    ? new Lookup.Missing<>("unknown policy " + policyId)
                    : new Lookup.Missing<>("policy " + policyId + " has no revision " + revision);
        });
    }

    @Override
    public Lookup<List<CatalogRevision>> revisions(String policyId, String after, int limit) {
        String prefix = CatalogKeys.prefix(policyId);
        return policyRange(policyId, CatalogStores.REVISIONS, prefix + (after == null ? "" : after), prefix, limit,
                after == null ? null : prefix + after);
    }

    @Override
    public Lookup<List<PointerMoved>> history(String policyId, int afterSequence, int limit) {
        return policyRange(policyId, CatalogStores.HISTORY, CatalogKeys.historyKey(policyId, afterSequence + 1),
                CatalogKeys.prefix(policyId), limit, null);
    }

    @Override
    public Local<PolicyPage> localPolicies(PolicyFilter filter, String after, int limit, int scanBudget) {
        return overLocalEntries(after, entries -> PolicyScan.page(entries, filter, after, limit, scanBudget));
    }

    @Override
    public Local<Long> localCount(PolicyFilter filter) {
        return overLocalEntries(null, entries -> PolicyScan.count(entries, filter));
    }

    @Override
    public List<String> otherInstances() {
        KafkaStreams app = streams;
        if (app == null) {
            return List.of();
        }
        List<String> others = new ArrayList<>();
        for (StreamsMetadata metadata : app.streamsMetadataForStore(CatalogStores.ENTRIES)) {
            HostInfo host = metadata.hostInfo();
            if (!host.equals(self) && !host.equals(HostInfo.unavailable())) {
                others.add("http://" + host.host() + ":" + host.port());
            }
        }
        return others;
    }

    /** Answers about one policy from the partition that owns it; a query the owner cannot answer now is NotReady. */
    private <T> Lookup<T> onOwner(String policyId, OwnerQuery<T> query) {
        KafkaStreams app = streams;
        String notQueryable = notQueryable(app);
        if (notQueryable != null) {
            return new Lookup.NotReady<>(notQueryable);
        }
        try {
            KeyQueryMetadata owner = app.queryMetadataForKey(CatalogStores.ENTRIES, policyId, keySerde.serializer());
            if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
                return new Lookup.NotReady<>("no instance owns policy " + policyId + " yet (rebalancing)");
            }
            if (!owner.activeHost().equals(self)) {
                return new Lookup.Elsewhere<>("http://" + owner.activeHost().host() + ":" + owner.activeHost().port());
            }
            return query.ask(app, owner.partition());
        } catch (StreamsException | IllegalStateException e) {
            return new Lookup.NotReady<>(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Up to {@code limit} values of the policy's keys from {@code from} on, skipping the exclusive {@code after}. */
    private <V> Lookup<List<V>> policyRange(String policyId, String store, String from, String prefix, int limit,
                                            String after) {
        return onOwner(policyId, (app, partition) -> {
            if (get(app, CatalogStores.ENTRIES, policyId, partition) == null) {
                return new Lookup.Missing<>("unknown policy " + policyId);
            }
            // no key of the policy equals prefix-with-the-next-character, and every key of it sorts below it
            String upper = prefix.substring(0, prefix.length() - 1) + (char) (CatalogKeys.SEPARATOR + 1);
            List<V> values = new ArrayList<>();
            try (KeyValueIterator<String, V> it = this.<V>partitionStore(app, store, partition).range(from, upper)) {
                while (it.hasNext() && values.size() < limit) {
                    KeyValue<String, V> next = it.next();
                    if (!next.key.equals(after)) {
                        values.add(next.value);
                    }
                }
            }
            return new Lookup.Found<>(values);
        });
    }

    private <V> V get(KafkaStreams app, String store, String key, int partition) {
        return this.<V>partitionStore(app, store, partition).get(key);
    }

    /**
     * The active copy of one partition's store. Through {@link KafkaStreams#store}, not {@code KafkaStreams.query}:
     * in Kafka Streams 4.1.1 an IQv2 query takes the store's position lock and then the store's, while the stream
     * thread's put takes them the other way round (KAFKA-19629, fixed after 4.1), and a catalog queried while it
     * writes deadlocked for good. The older interface takes only the store's lock.
     */
    private static <V> ReadOnlyKeyValueStore<String, V> partitionStore(KafkaStreams app, String store, int partition) {
        return app.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore())
                .withPartition(partition));
    }

    /** Runs {@code scan} over this instance's active entries from {@code lower} on, merged in id order. */
    private <T> Local<T> overLocalEntries(String lower, Function<java.util.Iterator<KeyValue<String, CatalogEntry>>, T> scan) {
        KafkaStreams app = streams;
        String notQueryable = notQueryable(app);
        if (notQueryable != null) {
            return new Local.NotReady<>(notQueryable);
        }
        List<KeyValueIterator<String, CatalogEntry>> open = new ArrayList<>();
        try {
            for (int partition : activePartitions(app)) {
                ReadOnlyKeyValueStore<String, CatalogEntry> entries;
                try {
                    entries = partitionStore(app, CatalogStores.ENTRIES, partition);
                } catch (InvalidStateStorePartitionException e) {
                    continue; // this instance's task of that partition holds other stores; the entries are elsewhere
                }
                open.add(lower == null ? entries.all() : entries.range(lower, null));
            }
            return new Local.Ready<>(scan.apply(PolicyScan.merged(open)));
        } catch (StreamsException | IllegalStateException e) {
            return new Local.NotReady<>(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            open.forEach(KeyValueIterator::close);
        }
    }

    /** The partitions of this instance's active tasks (standby copies are left to their active owners). */
    private static Set<Integer> activePartitions(KafkaStreams app) {
        Set<Integer> partitions = new TreeSet<>();
        app.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                .forEach(task -> partitions.add(task.taskId().partition())));
        return partitions;
    }

    private static String notQueryable(KafkaStreams app) {
        if (app == null) {
            return "catalog is starting";
        }
        KafkaStreams.State state = app.state();
        return state.isRunningOrRebalancing() ? null : "catalog is " + state;
    }

    @FunctionalInterface
    private interface OwnerQuery<T> {
        Lookup<T> ask(KafkaStreams app, int partition);
    }
}
