package ai.mint.engine;

/**
 * Where one adapter of the engine's working set stands (a LoRAX-style lifecycle). An adapter is known by id once it is
 * registered; demand (a request, a prefetch, a pin) moves it up the tiers, budgets and evictions move it down:
 *
 * <pre>
 *   EVICTED (storage only) --demand--> QUEUED --loader thread--> LOADING --decoded--> READY_CPU
 *   READY_CPU --device room--> QUEUED/LOADING (upload) --> READY_DEVICE
 *   READY_DEVICE --evicted while rows use it--> DRAINING --last row done--> READY_CPU or EVICTED
 *   READY_DEVICE --evicted, unused--> READY_CPU (CPU copy kept) or EVICTED (CPU copy dropped by its budget)
 *   QUEUED/LOADING --read, checksum or decode error, or larger than the device budget--> FAILED (with its reason)
 *   FAILED --demand after the failure backoff, or a new source (revision) registered under the id--> QUEUED
 * </pre>
 */
public enum AdapterState {
    /** Waiting for a loader thread (to read and decode it, or to upload it to the device). */
    QUEUED,
    /** A loader thread is reading, verifying and decoding its files, or uploading it to the device. */
    LOADING,
    /** Decoded in Java memory (the CPU tier), not on the device. */
    READY_CPU,
    /** On the device: rows can use it. */
    READY_DEVICE,
    /** Evicted from the device while running rows still use it; its device memory is freed when they finish. */
    DRAINING,
    /** In no memory tier: only its files on storage. */
    EVICTED,
    /** Its last load failed; requests for it fail fast with the reason until the backoff ends or a new revision. */
    FAILED
}
