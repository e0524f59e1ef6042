package ai.mint.monitoring.board;

import ai.mint.events.WorkerView;
import java.util.List;

/** A worker's latest view as the query API answers it and {@code mint top} draws it; times in epoch milliseconds. */
public record WorkerRow(String worker, String instance, String device, List<String> residentAdapters,
                        int queueDepth, int queueCapacity, double load, long lastSeen, boolean leaving) {

    public static WorkerRow of(WorkerView v) {
        return new WorkerRow(v.getWorkerId(), v.getInstanceId(), v.getDevice(), List.copyOf(v.getResidentAdapters()),
                v.getQueueDepth(), v.getQueueCapacity(), v.getLoad(), v.getLastSeen().toEpochMilli(), v.getLeaving());
    }
}
