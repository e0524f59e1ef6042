package ai.mint.monitoring;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The settings the monitoring processors read from their app configs ({@link MonitorApp#streamsConfig} puts them
 * there): window size and grace, how often idle windows are closed, the worker view interval, the reward metric and
 * the alert thresholds (a worker's silence in windows).
 */
public record WindowSettings(long sizeMs, long graceMs, long checkIntervalMs, long workerViewIntervalMs,
                             String rewardMetric, AlertThresholds thresholds, int workerSilentWindows) {

    private static final String[] NAMES = {MonitorConfig.WINDOW_SIZE_MS, MonitorConfig.WINDOW_GRACE_MS,
            MonitorConfig.WINDOW_CHECK_INTERVAL_MS, MonitorConfig.WORKER_VIEW_INTERVAL_MS, MonitorConfig.REWARD_METRIC,
            MonitorConfig.ALERT_REWARD_BELOW, MonitorConfig.ALERT_LATENCY_P99_ABOVE_MS,
            MonitorConfig.ALERT_ERROR_RATE_ABOVE, MonitorConfig.ALERT_WORKER_SILENT_WINDOWS};

    public static WindowSettings defaults() {
        return from(Map.of());
    }

    /** The settings among {@code values} (app configs or settings), each at its default when absent. */
    public static WindowSettings from(Map<String, ?> values) {
        Map<String, Object> v = new HashMap<>();
        for (String name : NAMES) {
            ConfigDef.ConfigKey key = MonitorConfig.DEFINITION.configKeys().get(name);
            Object raw = values.containsKey(name) ? values.get(name) : key.defaultValue;
            v.put(name, ConfigDef.parseType(name, raw, key.type));
        }
        return new WindowSettings((Long) v.get(MonitorConfig.WINDOW_SIZE_MS),
                (Long) v.get(MonitorConfig.WINDOW_GRACE_MS),
                (Long) v.get(MonitorConfig.WINDOW_CHECK_INTERVAL_MS),
                (Long) v.get(MonitorConfig.WORKER_VIEW_INTERVAL_MS),
                (String) v.get(MonitorConfig.REWARD_METRIC),
                new AlertThresholds(
                        AlertThresholds.parse(MonitorConfig.ALERT_REWARD_BELOW, v.get(MonitorConfig.ALERT_REWARD_BELOW)),
                        AlertThresholds.parse(MonitorConfig.ALERT_LATENCY_P99_ABOVE_MS,
                                v.get(MonitorConfig.ALERT_LATENCY_P99_ABOVE_MS)),
                        AlertThresholds.parse(MonitorConfig.ALERT_ERROR_RATE_ABOVE,
                                v.get(MonitorConfig.ALERT_ERROR_RATE_ABOVE))),
                (Integer) v.get(MonitorConfig.ALERT_WORKER_SILENT_WINDOWS));
    }

    /** These settings as app configs (an alert that is off as an empty string). */
    public Map<String, Object> asSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(MonitorConfig.WINDOW_SIZE_MS, sizeMs);
        settings.put(MonitorConfig.WINDOW_GRACE_MS, graceMs);
        settings.put(MonitorConfig.WINDOW_CHECK_INTERVAL_MS, checkIntervalMs);
        settings.put(MonitorConfig.WORKER_VIEW_INTERVAL_MS, workerViewIntervalMs);
        settings.put(MonitorConfig.REWARD_METRIC, rewardMetric);
        settings.put(MonitorConfig.ALERT_REWARD_BELOW, text(thresholds.rewardBelow()));
        settings.put(MonitorConfig.ALERT_LATENCY_P99_ABOVE_MS, text(thresholds.latencyP99Above()));
        settings.put(MonitorConfig.ALERT_ERROR_RATE_ABOVE, text(thresholds.errorRateAbove()));
        settings.put(MonitorConfig.ALERT_WORKER_SILENT_WINDOWS, workerSilentWindows);
        return settings;
    }

    private static String text(Double threshold) {
        return threshold == null ? "" : Double.toString(threshold);
    }
}
