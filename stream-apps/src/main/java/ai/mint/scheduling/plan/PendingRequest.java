package ai.mint.scheduling.plan;

/**
 * A request waiting to be placed in a pack.
 *
 * @param requestId  the client's request id (unique: the scheduler drops repeats)
 * @param adapter    the adapter revision it is answered with
 * @param bytes      the adapter's size as the catalog records it (0 when unknown)
 * @param arrivedAtMs when the scheduler took it (epoch ms)
 * @param sends      how often it was sent to a worker already (0 for a new request)
 */
public record PendingRequest(String requestId, AdapterKey adapter, long bytes, long arrivedAtMs, int sends) {
}
