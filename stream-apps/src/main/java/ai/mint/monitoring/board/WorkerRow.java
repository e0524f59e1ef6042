package ai.mint.monitoring.board;

import ai.mint.events.WorkerView;
import java.util.List;

/**
 * A worker's latest view as the query API answers it and {@code mint top} draws it: its heartbeat and its answers over
 * the latest closed window ({@code windowEnd} 0 before the first); times in epoch milliseconds.
 */
public record WorkerRow(String worker, String instance, String device, List<String> residentAdapters,
                        int queueDepth, int queueCapacity, double load, long lastSeen, boolean leaving,
                        long windowEnd, long requests, double requestsPerSecond, double errorRate,
                        Double latencyP50Ms, Double latencyP99Ms, double tokensPerSecond) {

    public static WorkerRow of(WorkerView v) {
        return new WorkerRow(v.getWorkerId(), v.getInstanceId(), v.getDevice(), List.copyOf(v.getResidentAdapters()),
                v.getQueueDepth(), v.getQueueCapacity(), v.getLoad(), v.getLastSeen().toEpochMilli(), v.getLeaving(),
                v.getWindowEnd().toEpochMilli(), v.getRequests(), v.getRequestsPerSecond(), v.getErrorRate(),
                v.getLatencyP50Ms(), v.getLatencyP99Ms(), v.getTokensPerSecond());
    }
}
