package ai.mint.engine;

/**
 * One adapter of the working set as it stands now: what a worker heartbeat reports per adapter and what a prefetch or
 * pin completes with.
 *
 * @param id         the engine id of the adapter (the worker's {@code POLICY@REVISION})
 * @param state      where it is in its lifecycle
 * @param tier       the fastest tier holding it
 * @param bytes      its size at its own rank (float32 factors; 0 until it has been decoded once)
 * @param rank       its LoRA rank (0 until decoded)
 * @param pinned     whether it is pinned resident (counted in the device budget until unpinned)
 * @param rowsInUse  running rows that use its device copy
 * @param lastUsedMs when rows last used it (epoch milliseconds; 0 if never)
 * @param failure    why its last load failed, or null
 */
public record AdapterStatus(String id, AdapterState state, AdapterTier tier, long bytes, int rank, boolean pinned,
                            int rowsInUse, long lastUsedMs, String failure) {
}
