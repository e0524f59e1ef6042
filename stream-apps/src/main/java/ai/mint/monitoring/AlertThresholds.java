package ai.mint.monitoring;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The app-wide alert thresholds (settings); null turns an alert off. A policy whose regression guard watches the live
 * reward metric gets its own reward threshold from the catalog instead ({@link GuardThreshold}).
 *
 * @param rewardBelow     alert when a window's live reward mean is below this
 * @param latencyP99Above alert when a window's latency p99 (ms) is above this
 * @param errorRateAbove  alert when a window's error rate is above this
 */
public record AlertThresholds(Double rewardBelow, Double latencyP99Above, Double errorRateAbove) {

    /** A threshold setting: a finite number, or empty for no alert. */
    public static final ConfigDef.Validator VALIDATOR = (name, value) -> parse(name, value);

    public static AlertThresholds none() {
        return new AlertThresholds(null, null, null);
    }

    /** The threshold a setting's value names, or null when it is empty. */
    static Double parse(String name, Object value) {
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            double threshold = Double.parseDouble(text);
            if (Double.isFinite(threshold)) {
                return threshold;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(name, value, "a threshold is a finite number, or empty for no alert");
    }
}
