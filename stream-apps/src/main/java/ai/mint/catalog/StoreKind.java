package ai.mint.catalog;

import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Where the catalog's stores keep their data. Both are changelogged, so either rebuilds from Kafka; RocksDB keeps only
 * a working set in memory (10^6 policies fit), in-memory stores are for TopologyTestDriver, where RocksDB is ~100x
 * slower.
 */
public enum StoreKind {
    ROCKSDB {
        @Override
        public KeyValueBytesStoreSupplier supplier(String name) {
            return Stores.persistentKeyValueStore(name);
        }
    },
    IN_MEMORY {
        @Override
        public KeyValueBytesStoreSupplier supplier(String name) {
            return Stores.inMemoryKeyValueStore(name);
        }
    };

    /** A supplier of a key-value store with this name. */
    public abstract KeyValueBytesStoreSupplier supplier(String name);
}
