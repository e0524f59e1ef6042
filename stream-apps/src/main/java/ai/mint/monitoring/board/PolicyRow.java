package ai.mint.monitoring.board;

import ai.mint.events.PolicyView;
import java.util.List;
import java.util.Map;

/**
 * A policy's latest view as the query API answers it (JSON) and {@code mint top} draws it, with the reward means of
 * its last views (oldest first; null for a window without rewards) for a sparkline. Times are epoch milliseconds.
 */
public record PolicyRow(String policy, long windowStart, long windowEnd, long requests, long errors,
                        double requestsPerSecond, double errorRate, Double latencyP50Ms, Double latencyP99Ms,
                        long latencyMaxMs, double tokensPerSecond, Double rewardMean, long rewardCount,
                        long deadLetters, Map<String, Long> deadLettersByReason, long lateEvents,
                        List<Double> rewardHistory) {

    /** @param rewardHistory reward means, oldest first; NaN or null for a window without rewards */
    public static PolicyRow of(PolicyView v, List<Double> rewardHistory) {
        return new PolicyRow(v.getPolicyId(), v.getWindowStart().toEpochMilli(), v.getWindowEnd().toEpochMilli(),
                v.getRequests(), v.getErrors(), v.getRequestsPerSecond(), v.getErrorRate(), v.getLatencyP50Ms(),
                v.getLatencyP99Ms(), v.getLatencyMaxMs(), v.getTokensPerSecond(), v.getRewardMean(),
                v.getRewardCount(), v.getDeadLetters(), Map.copyOf(v.getDeadLettersByReason()), v.getLateEvents(),
                java.util.Collections.unmodifiableList(new java.util.ArrayList<>(rewardHistory.stream()
                        .map(d -> d == null || d.isNaN() ? null : d).toList())));
    }
}
