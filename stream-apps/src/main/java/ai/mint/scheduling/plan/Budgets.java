package ai.mint.scheduling.plan;

/**
 * The limits one placement decision keeps.
 *
 * @param maxPackRequests   most requests in one pack
 * @param workerShare       the share of each worker's queue capacity and device budget this decision may fill
 *                          (1 / the scheduler's task count, so that tasks deciding independently never overfill a
 *                          worker together)
 * @param heartbeatTimeoutMs a worker silent for longer is taken for gone and loses its packs
 * @param leaveGraceMs      a worker that said it leaves loses its packs this long after saying so: it reported what it
 *                          answered just before, on another topic, and those reports must be read first
 * @param packTimeoutMs     a pack not answered within this time is taken back even from a live worker
 * @param maxWaitMs         a request not placed within this time is answered with an error
 * @param maxSends          a request sent this often to workers that stopped is answered with an error instead of
 *                          sent again (so a request that crashes workers does not crash them all)
 * @param prefetch          schedule a load ahead of a pack whose worker does not hold its adapter
 * @param gatherMs          requests of one adapter wait at most until the first of them was read this long ago (or
 *                          they fill a pack), so that requests sent together leave in one pack: one worker read and one
 *                          prefill instead of one each; 0 places every request at once
 * @param quietMs           ...but they leave sooner, once no request of their adapter was read for this long: a burst
 *                          is over, and a lone request does not wait the whole window
 */
public record Budgets(int maxPackRequests, double workerShare, long heartbeatTimeoutMs, long leaveGraceMs,
                      long packTimeoutMs, long maxWaitMs, int maxSends, boolean prefetch, long gatherMs,
                      long quietMs) {

    public Budgets {
        if (maxPackRequests < 1) {
            throw new IllegalArgumentException("a pack holds at least one request, got " + maxPackRequests);
        }
        if (!(workerShare > 0 && workerShare <= 1)) {
            throw new IllegalArgumentException("worker share must be in (0, 1], got " + workerShare);
        }
        if (gatherMs < 0 || quietMs < 0) {
            throw new IllegalArgumentException("the gather and quiet times are at least 0 ms, got " + gatherMs
                    + " and " + quietMs);
        }
        if (maxSends < 1) {
            throw new IllegalArgumentException("a request is sent at least once, got max sends " + maxSends);
        }
    }

    /** Requests this decision may have in flight on a worker with {@code queueCapacity}. */
    public int requestShare(int queueCapacity) {
        return (int) Math.floor(queueCapacity * workerShare + 1e-9);
    }

    /** Device bytes this decision may have pinned by in-flight packs on a worker with {@code budget}. */
    public long byteShare(long budget) {
        return (long) Math.floor(budget * workerShare + 1e-9);
    }
}
