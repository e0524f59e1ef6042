package ai.mint.catalog;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Gives every RocksDB store of the JVM one shared block cache that also holds the memtables, of the size the
 * {@link #MEMORY_BYTES} setting names (Kafka Streams' default is 50 MB of cache and 48 MB of memtables per store and
 * partition). The catalog's memory then stays the same at 10^3 and 10^6 policies; RocksDB reads the rest from disk.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams setting (passed through to this setter): the shared budget in bytes. */
    public static final String MEMORY_BYTES = "mint.rocksdb.memory.bytes";

    private static final double MEMTABLE_SHARE = 0.5;
    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        synchronized (BoundedRocksDbMemory.class) {
            if (cache == null) {
                long bytes = Long.parseLong(String.valueOf(configs.getOrDefault(MEMORY_BYTES, 128L << 20)));
                cache = new LRUCache(bytes, -1, false, 0.1);
                writeBuffers = new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache);
            }
            table.setBlockCache(cache);
            options.setWriteBufferManager(writeBuffers);
        }
        table.setCacheIndexAndFilterBlocks(true); // index and filters count against the budget too
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and write-buffer manager are shared by every store of the JVM and live as long as it does
    }
}
