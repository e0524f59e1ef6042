package ai.mint.scheduling.plan;

/**
 * A request waiting to be placed in a pack.
 *
 * @param requestId  the client's request id (unique: the scheduler drops repeats)
 * @param adapter    the adapter revision it is answered with
 * @param bytes      the adapter's size as the catalog records it (0 when unknown)
 * @param arrivedAtMs when it was published (epoch ms; its wait counts from here)
 * @param sends      how often it was sent to a worker already (0 for a new request)
 * @param readAtMs   when this scheduler read it (epoch ms): the pack window counts from here, so that requests sent
 *                   together still leave together when the scheduler reads them late (after a long commit, say)
 */
public record PendingRequest(String requestId, AdapterKey adapter, long bytes, long arrivedAtMs, int sends,
                             long readAtMs) {

    /** A request read when it was published (or long ago: taken back, or restored after a restart). */
    public PendingRequest(String requestId, AdapterKey adapter, long bytes, long arrivedAtMs, int sends) {
        this(requestId, adapter, bytes, arrivedAtMs, sends, arrivedAtMs);
    }
}
