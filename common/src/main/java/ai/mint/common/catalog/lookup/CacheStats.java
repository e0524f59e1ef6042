package ai.mint.common.catalog.lookup;

/**
 * What a lookup cache holds and has done.
 *
 * @param size      keys cached now
 * @param capacity  most keys it holds
 * @param hits      lookups answered from the cache
 * @param misses    lookups that asked the catalog
 * @param updates   cached values replaced by newer ones (from the catalog topics or a reload)
 * @param evictions least recently used keys dropped to stay within capacity
 */
public record CacheStats(int size, int capacity, long hits, long misses, long updates, long evictions) {
}
