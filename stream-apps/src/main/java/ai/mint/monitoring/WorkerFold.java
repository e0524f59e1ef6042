package ai.mint.monitoring;

/**
 * What the monitoring app keeps per worker between views (its store value, as JSON).
 *
 * @param lastViewAt     heartbeat time of the last heartbeat view made, or -1 before the first
 * @param heartbeats     heartbeats read since that view
 * @param heartbeat      the latest heartbeat as read from its topic (a window's view is made from it), or null
 *                       before the first
 * @param heartbeatAt    that heartbeat's time, or -1
 * @param leaving        whether that heartbeat was the worker's last
 * @param lastWindow     the worker's answers over the latest closed window (empty when it answered nothing then), or
 *                       null before the first window closed
 * @param silenceAlerted whether the silence since that heartbeat has been alerted already
 */
public record WorkerFold(long lastViewAt, long heartbeats, byte[] heartbeat, long heartbeatAt, boolean leaving,
                         WorkerWindow lastWindow, boolean silenceAlerted) {

    static WorkerFold first() {
        return new WorkerFold(-1, 0, null, -1, false, null, false);
    }

    WorkerFold withHeartbeat(long viewAt, long heartbeatsSinceView, byte[] value, long time, boolean last) {
        return new WorkerFold(viewAt, heartbeatsSinceView, value, time, last, lastWindow, false);
    }

    WorkerFold withWindow(WorkerWindow window) {
        return new WorkerFold(lastViewAt, heartbeats, heartbeat, heartbeatAt, leaving, window, silenceAlerted);
    }

    WorkerFold alerted() {
        return new WorkerFold(lastViewAt, heartbeats, heartbeat, heartbeatAt, leaving, lastWindow, true);
    }

    /** Sends heartbeats, and has been silent for at least {@code silenceMs} at {@code now}, not alerted yet. */
    boolean silentPast(long now, long silenceMs) {
        return heartbeat != null && !leaving && !silenceAlerted && now - heartbeatAt >= silenceMs;
    }
}
