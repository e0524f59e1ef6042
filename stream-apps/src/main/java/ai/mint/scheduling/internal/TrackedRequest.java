package ai.mint.scheduling.internal;

/**
 * One inference request as the scheduler tracks it, from arrival to answer; the value of the requests store (keyed
 * by request id), so that a request id seen once is never placed twice.
 *
 * @param requestId   the client's request id
 * @param policyId    its policy
 * @param status      waiting, sent to a worker, or answered
 * @param revision    the revision it is answered with (null: not resolved, the worker resolves it)
 * @param baseModel   the policy's base model (null: not known)
 * @param bytes       the adapter's size as budgeted (0 when unknown)
 * @param arrivedAtMs when the scheduler took it
 * @param sends       how often it was sent to a worker
 * @param packId      the pack it was last sent in (null before)
 * @param workerId    the worker of that pack
 * @param instance    the run of that worker
 * @param sentAtMs    when that pack was sent
 * @param doneAtMs    when it was answered (0 before)
 * @param request     the request record as it arrived (Confluent wire format); dropped once answered
 */
public record TrackedRequest(String requestId, String policyId, Status status, String revision, String baseModel,
                             long bytes,
                             long arrivedAtMs, int sends, String packId, String workerId, String instance,
                             long sentAtMs, long doneAtMs, byte[] request) {

    /** Where a request is. */
    public enum Status { PENDING, IN_FLIGHT, DONE }

    static TrackedRequest arrived(String requestId, String policyId, String revision, String baseModel, long bytes,
                                  long nowMs, byte[] request) {
        return new TrackedRequest(requestId, policyId, Status.PENDING, revision, baseModel, bytes, nowMs, 0, null, null,
                null, 0, 0, request);
    }

    TrackedRequest sent(String toPack, String toWorker, String toInstance, long nowMs) {
        return new TrackedRequest(requestId, policyId, Status.IN_FLIGHT, revision, baseModel, bytes, arrivedAtMs,
                sends + 1, toPack, toWorker, toInstance, nowMs, 0, request);
    }

    TrackedRequest takenBack() {
        return new TrackedRequest(requestId, policyId, Status.PENDING, revision, baseModel, bytes, arrivedAtMs, sends,
                packId, workerId, instance, sentAtMs, 0, request);
    }

    TrackedRequest done(long nowMs) {
        return new TrackedRequest(requestId, policyId, Status.DONE, revision, baseModel, bytes, arrivedAtMs, sends,
                packId, workerId, instance, sentAtMs, nowMs, null);
    }
}
