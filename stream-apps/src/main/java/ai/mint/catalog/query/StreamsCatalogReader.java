package ai.mint.catalog.query;

import ai.mint.catalog.CatalogStores;
import ai.mint.events.CatalogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads the catalog store of a running Kafka Streams instance with interactive queries (IQv2): key lookups go to the
 * partition that owns the key, or name the instance that does; lists cover this instance's active partitions.
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
    public Lookup lookup(String policyId) {
        KafkaStreams app = streams;
        String notQueryable = notQueryable(app);
        if (notQueryable != null) {
            return new Lookup.NotReady(notQueryable);
        }
        try {
            KeyQueryMetadata owner = app.queryMetadataForKey(CatalogStores.ENTRIES, policyId, keySerde.serializer());
            if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
                return new Lookup.NotReady("no instance owns policy " + policyId + " yet (rebalancing)");
            }
            if (!owner.activeHost().equals(self)) {
                return new Lookup.Elsewhere("http://" + owner.activeHost().host() + ":" + owner.activeHost().port());
            }
            StateQueryRequest<CatalogEntry> request = StateQueryRequest.inStore(CatalogStores.ENTRIES)
                    .withQuery(KeyQuery.<String, CatalogEntry>withKey(policyId))
                    .withPartitions(Set.of(owner.partition()))
                    .requireActive();
            QueryResult<CatalogEntry> result = app.query(request).getPartitionResults().get(owner.partition());
            if (result == null || result.isFailure()) {
                return new Lookup.NotReady(result == null ? "partition " + owner.partition() + " gave no answer"
                        : result.getFailureReason() + ": " + result.getFailureMessage());
            }
            return result.getResult() == null ? new Lookup.Missing() : new Lookup.Found(result.getResult());
        } catch (StreamsException | IllegalStateException e) {
            return new Lookup.NotReady(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public LocalPage firstLocalPolicies(int limit) {
        KafkaStreams app = streams;
        String notQueryable = notQueryable(app);
        if (notQueryable != null) {
            return new LocalPage.NotReady(notQueryable);
        }
        try {
            StateQueryRequest<KeyValueIterator<String, CatalogEntry>> request = StateQueryRequest
                    .inStore(CatalogStores.ENTRIES)
                    .withQuery(RangeQuery.<String, CatalogEntry>withNoBounds())
                    .requireActive();
            StateQueryResult<KeyValueIterator<String, CatalogEntry>> results = app.query(request);
            List<PolicySummary> merged = new ArrayList<>();
            for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, CatalogEntry>>> partition
                    : results.getPartitionResults().entrySet()) {
                QueryResult<KeyValueIterator<String, CatalogEntry>> result = partition.getValue();
                if (result.isFailure()) {
                    if (result.getFailureReason() == FailureReason.NOT_ACTIVE) {
                        continue; // a standby copy; the active owner lists it
                    }
                    return new LocalPage.NotReady("partition " + partition.getKey() + ": " + result.getFailureReason()
                            + ": " + result.getFailureMessage());
                }
                try (KeyValueIterator<String, CatalogEntry> it = result.getResult()) {
                    for (int n = 0; n < limit && it.hasNext(); n++) {
                        KeyValue<String, CatalogEntry> next = it.next();
                        merged.add(PolicySummary.of(next.value));
                    }
                }
            }
            merged.sort(PolicySummary.STORE_ORDER);
            return new LocalPage.Page(merged.subList(0, Math.min(limit, merged.size())));
        } catch (StreamsException | IllegalStateException e) {
            return new LocalPage.NotReady(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
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

    private static String notQueryable(KafkaStreams app) {
        if (app == null) {
            return "catalog is starting";
        }
        KafkaStreams.State state = app.state();
        return state.isRunningOrRebalancing() ? null : "catalog is " + state;
    }
}
