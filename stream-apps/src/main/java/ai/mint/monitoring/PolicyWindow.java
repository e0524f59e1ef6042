package ai.mint.monitoring;

import ai.mint.common.ids.EventIds;
import ai.mint.events.PolicyView;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one policy's tumbling window has folded so far (the monitoring app's store value, as JSON): responses, errors,
 * latencies of the successful ones, generated tokens, live rewards, dead letters by kind, late events. Mutable: the
 * processor reads it, adds one event and writes it back.
 */
public final class PolicyWindow extends AnswerWindow {

    /** Most distinct dead-letter kinds a window keeps apart; the rest are counted under {@link #OTHER}. */
    public static final int MAX_REASONS = 16;
    public static final String OTHER = "other";

    public String policy;
    public long latencyMaxMs;
    public double rewardSum;
    public long rewardCount;
    public long deadLetters;
    public Map<String, Long> deadLettersByReason = new TreeMap<>();

    public PolicyWindow() {
    }

    PolicyWindow(String policy, long start) {
        this.policy = policy;
        this.start = start;
    }

    void addResponse(boolean failed, long latencyMs, int tokens) {
        if (addAnswer(failed, latencyMs, tokens)) {
            latencyMaxMs = Math.max(latencyMaxMs, latencyMs);
        }
    }

    void addReward(double value) {
        rewardSum += value;
        rewardCount++;
    }

    void addDeadLetter(String errorClass) {
        deadLetters++;
        String reason = deadLettersByReason.containsKey(errorClass) || deadLettersByReason.size() < MAX_REASONS
                ? errorClass : OTHER;
        deadLettersByReason.merge(reason, 1L, Long::sum);
    }

    /** The closed window as its view, produced at {@code nowMs}. */
    PolicyView view(long sizeMs, long nowMs) {
        double seconds = sizeMs / 1000.0;
        return PolicyView.newBuilder()
                .setEventId(EventIds.derived(policy + "@" + start, "policy-view"))
                .setPolicyId(policy)
                .setTime(Instant.ofEpochMilli(nowMs))
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(start + sizeMs))
                .setRequests(requests)
                .setErrors(errors)
                .setRequestsPerSecond(requests / seconds)
                .setErrorRate(errorRate())
                .setLatencyP50Ms(latencies.quantile(0.50))
                .setLatencyP99Ms(latencies.quantile(0.99))
                .setLatencyMaxMs(latencyMaxMs)
                .setLatencyRelativeAccuracy(LatencySketch.RELATIVE_ACCURACY)
                .setCompletionTokens(completionTokens)
                .setTokensPerSecond(completionTokens / seconds)
                .setRewardMean(rewardCount == 0 ? null : rewardSum / rewardCount)
                .setRewardCount(rewardCount)
                .setDeadLetters(deadLetters)
                .setDeadLettersByReason(new TreeMap<>(deadLettersByReason))
                .setLateEvents(lateEvents)
                .build();
    }
}
