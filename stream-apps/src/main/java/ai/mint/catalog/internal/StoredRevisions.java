package ai.mint.catalog.internal;

import ai.mint.common.catalog.CatalogKeys;
import ai.mint.events.CatalogRevision;
import ai.mint.events.RevisionInfo;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The revision store ({@code POLICY@REVISION} keys) as a {@link RevisionSource}. */
public final class StoredRevisions implements RevisionSource {

    private final ReadOnlyKeyValueStore<String, CatalogRevision> store;
    private final StringSerializer keys = new StringSerializer();

    public StoredRevisions(ReadOnlyKeyValueStore<String, CatalogRevision> store) {
        this.store = store;
    }

    @Override
    public Optional<RevisionInfo> find(String policyId, String revision) {
        CatalogRevision stored = store.get(CatalogKeys.revisionKey(policyId, revision));
        return stored == null ? Optional.empty() : Optional.of(stored.getRevision());
    }

    @Override
    public void forEach(String policyId, Consumer<RevisionInfo> action) {
        try (KeyValueIterator<String, CatalogRevision> it = store.prefixScan(CatalogKeys.prefix(policyId), keys)) {
            it.forEachRemaining(kv -> action.accept(kv.value.getRevision()));
        }
    }
}
