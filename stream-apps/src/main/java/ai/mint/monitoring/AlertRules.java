package ai.mint.monitoring;

import ai.mint.common.ids.EventIds;
import ai.mint.events.Alert;
import ai.mint.events.AlertKind;
import ai.mint.events.PolicyView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which alerts a closed policy window raises: its live reward mean below the reward threshold (the policy's guard
 * threshold when it has one, else the setting), its latency p99 or error rate above theirs. A window is closed once,
 * so each alert is raised once per policy, kind and window; a window without rewards (or without successful
 * responses, or without responses) raises no alert of that kind.
 */
public final class AlertRules {

    static final String GUARD_SOURCE = "regression_guard";

    private AlertRules() {
    }

    /** @param guardReward the policy's own reward threshold, or null */
    public static List<Alert> of(PolicyView view, AlertThresholds thresholds, Double guardReward, long nowMs) {
        List<Alert> alerts = new ArrayList<>(3);
        Double rewardThreshold = guardReward != null ? guardReward : thresholds.rewardBelow();
        String rewardSource = guardReward != null ? GUARD_SOURCE : MonitorConfig.ALERT_REWARD_BELOW;
        if (rewardThreshold != null && view.getRewardMean() != null && view.getRewardMean() < rewardThreshold) {
            alerts.add(alert(view, AlertKind.REWARD_LOW, view.getRewardMean(), rewardThreshold, rewardSource, nowMs,
                    String.format(Locale.ROOT, "live reward %.4f (mean of %d) below %.4f", view.getRewardMean(),
                            view.getRewardCount(), rewardThreshold)));
        }
        Double latency = thresholds.latencyP99Above();
        if (latency != null && view.getLatencyP99Ms() != null && view.getLatencyP99Ms() > latency) {
            alerts.add(alert(view, AlertKind.LATENCY_HIGH, view.getLatencyP99Ms(), latency,
                    MonitorConfig.ALERT_LATENCY_P99_ABOVE_MS, nowMs, String.format(Locale.ROOT,
                            "latency p99 %.0f ms above %.0f ms", view.getLatencyP99Ms(), latency)));
        }
        Double errors = thresholds.errorRateAbove();
        if (errors != null && view.getRequests() > 0 && view.getErrorRate() > errors) {
            alerts.add(alert(view, AlertKind.ERROR_RATE_HIGH, view.getErrorRate(), errors,
                    MonitorConfig.ALERT_ERROR_RATE_ABOVE, nowMs, String.format(Locale.ROOT,
                            "error rate %.3f (%d of %d) above %.3f", view.getErrorRate(), view.getErrors(),
                            view.getRequests(), errors)));
        }
        return alerts;
    }

    private static Alert alert(PolicyView view, AlertKind kind, double value, double threshold, String source,
                               long nowMs, String message) {
        return Alert.newBuilder()
                .setEventId(EventIds.derived(view.getEventId(), "alert-" + kind.name()))
                .setPolicyId(view.getPolicyId())
                .setTime(Instant.ofEpochMilli(nowMs))
                .setWorkerId(null)
                .setKind(kind)
                .setValue(value)
                .setThreshold(threshold)
                .setThresholdSource(source)
                .setWindowStart(view.getWindowStart())
                .setWindowEnd(view.getWindowEnd())
                .setMessage("policy " + view.getPolicyId() + ": " + message)
                .build();
    }
}
