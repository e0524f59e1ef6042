package ai.mint.scheduling.plan;

import java.util.List;

/**
 * A pack sent to a worker whose requests are not all answered yet.
 *
 * @param packId     the pack's id
 * @param workerId   the worker it was sent to
 * @param instance   the run of that worker it was addressed to
 * @param adapter    its adapter revision
 * @param bytes      the adapter's size as budgeted
 * @param requests   its requests not answered yet, oldest first
 * @param sentAtMs   when it was sent (epoch ms)
 */
public record InFlightPack(String packId, String workerId, String instance, AdapterKey adapter, long bytes,
                           List<PendingRequest> requests, long sentAtMs) {

    public InFlightPack {
        requests = List.copyOf(requests);
    }
}
