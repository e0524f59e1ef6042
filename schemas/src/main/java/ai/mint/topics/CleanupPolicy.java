package ai.mint.topics;

/** Kafka's cleanup.policy: compacted topics hold state (latest value per key), deleted ones hold event streams. */
public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact");

    private final String configValue;

    CleanupPolicy(String configValue) {
        this.configValue = configValue;
    }

    /** The value of the topic config {@code cleanup.policy}. */
    public String configValue() {
        return configValue;
    }

    public static CleanupPolicy fromConfigValue(String value) {
        for (CleanupPolicy p : values()) {
            if (p.configValue.equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown cleanup.policy '" + value + "' (expected delete or compact)");
    }
}
