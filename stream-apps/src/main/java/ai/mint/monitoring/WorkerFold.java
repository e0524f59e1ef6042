package ai.mint.monitoring;

/**
 * A worker's heartbeats since its last view (the monitoring app's store value, as JSON).
 *
 * @param lastViewAt heartbeat time of the last view made, or -1 before the first
 * @param heartbeats heartbeats read since that view
 */
public record WorkerFold(long lastViewAt, long heartbeats) {

    static WorkerFold first() {
        return new WorkerFold(-1, 0);
    }
}
