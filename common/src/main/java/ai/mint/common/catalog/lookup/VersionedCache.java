package ai.mint.common.catalog.lookup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A bounded cache of versioned values: the least recently used key goes when it is full, and of two values for a key
 * the one with the larger version wins, whoever offers it first (a lookup answered over HTTP, or a change read from
 * the catalog topic). A key being loaded holds a slot, so a change that arrives during the load is kept, and the
 * load's older answer does not overwrite it.
 *
 * @param <V> the cached values
 */
final class VersionedCache<V> {

    private static final long NONE = Long.MIN_VALUE;

    private static final class Slot<V> {
        V value;
        long version = NONE;
        long loadedAtNanos;
    }

    private final int capacity;
    private final Map<String, Slot<V>> slots;
    private long hits;
    private long misses;
    private long updates;
    private long evictions;

    VersionedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.slots = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Slot<V>> eldest) {
                boolean full = size() > VersionedCache.this.capacity;
                if (full) {
                    evictions++;
                }
                return full;
            }
        };
    }

    /** The cached value if it was loaded less than {@code maxAgeNanos} ago (or ever, when maxAge is negative). */
    synchronized Optional<V> get(String key, long maxAgeNanos) {
        Optional<V> value = peek(key, maxAgeNanos);
        if (value.isPresent()) {
            hits++;
        } else {
            misses++;
        }
        return value;
    }

    /** {@link #get} without counting a hit or miss. */
    synchronized Optional<V> peek(String key, long maxAgeNanos) {
        Slot<V> slot = slots.get(key);
        if (slot == null || slot.version == NONE
                || (maxAgeNanos >= 0 && System.nanoTime() - slot.loadedAtNanos > maxAgeNanos)) {
            return Optional.empty();
        }
        return Optional.of(slot.value);
    }

    /**
     * The cached value, or {@code load}'s; a change offered while loading wins over an older loaded value. An empty
     * load (no such key) leaves nothing behind.
     */
    Optional<V> getOrLoad(String key, long maxAgeNanos, Supplier<Optional<Versioned<V>>> load) {
        Optional<V> cached = get(key, maxAgeNanos);
        if (cached.isPresent()) {
            return cached;
        }
        synchronized (this) {
            slots.computeIfAbsent(key, k -> new Slot<>());
        }
        Optional<Versioned<V>> loaded;
        try {
            loaded = load.get();
        } catch (RuntimeException e) {
            dropIfEmpty(key);
            throw e;
        }
        if (loaded.isEmpty()) {
            dropIfEmpty(key);
            return peek(key, -1); // a change may have arrived for a key created meanwhile
        }
        offer(key, loaded.get().value(), loaded.get().version(), true);
        synchronized (this) {
            Slot<V> slot = slots.get(key);
            return slot == null || slot.version == NONE ? Optional.of(loaded.get().value()) : Optional.of(slot.value);
        }
    }

    /** A newer value for a key that is cached or being loaded; other keys are not taken in. */
    synchronized boolean offerIfPresent(String key, V value, long version) {
        return slots.containsKey(key) && offer(key, value, version, false);
    }

    /** Whether the key is cached or being loaded (the topic follower decodes only those). */
    synchronized boolean contains(String key) {
        return slots.containsKey(key);
    }

    synchronized void invalidate(String key) {
        slots.remove(key);
    }

    synchronized CacheStats stats() {
        return new CacheStats(slots.size(), capacity, hits, misses, updates, evictions);
    }

    private synchronized boolean offer(String key, V value, long version, boolean create) {
        Slot<V> slot = create ? slots.computeIfAbsent(key, k -> new Slot<>()) : slots.get(key);
        if (slot == null || version < slot.version) {
            return false;
        }
        if (slot.version != NONE) {
            updates++;
        }
        slot.value = value;
        slot.version = version;
        slot.loadedAtNanos = System.nanoTime();
        return true;
    }

    private synchronized void dropIfEmpty(String key) {
        Slot<V> slot = slots.get(key);
        if (slot != null && slot.version == NONE) {
            slots.remove(key);
        }
    }

    /** A value and its version. */
    record Versioned<V>(V value, long version) {
    }
}
