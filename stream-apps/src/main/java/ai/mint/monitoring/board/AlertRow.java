package ai.mint.monitoring.board;

import ai.mint.events.Alert;

/** An alert as the query API answers it and {@code mint top} draws it; times in epoch milliseconds. */
public record AlertRow(String eventId, long time, String policy, String worker, String kind, double value,
                       double threshold, String thresholdSource, long windowStart, long windowEnd, String message) {

    public static AlertRow of(Alert a) {
        return new AlertRow(a.getEventId(), a.getTime().toEpochMilli(), a.getPolicyId(), a.getWorkerId(),
                a.getKind().name(), a.getValue(), a.getThreshold(), a.getThresholdSource(),
                a.getWindowStart().toEpochMilli(), a.getWindowEnd().toEpochMilli(), a.getMessage());
    }
}
