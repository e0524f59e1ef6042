package ai.mint.platform;

import ai.mint.topics.TopicSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One way an existing topic differs from its definition in {@link ai.mint.topics.Topics}.
 *
 * @param property what differs: {@code partitions}, {@code replication}, or a config name such as
 *                 {@code cleanup.policy}
 * @param wanted   the value the definition asks for
 * @param actual   the value on the cluster
 * @param growable true when the platform may fix it safely by adding partitions (never by changing data semantics)
 */
public record TopicDrift(String property, String wanted, String actual, boolean growable) {

    /**
     * Compares a topic on the cluster with its definition. Replication is compared against the definition capped at
     * the cluster's broker count (one broker cannot hold three replicas).
     */
    public static List<TopicDrift> between(TopicSpec spec, ObservedTopic observed, int brokerCount) {
        List<TopicDrift> drifts = new ArrayList<>();
        if (observed.partitions() != spec.partitions()) {
            drifts.add(new TopicDrift("partitions", Integer.toString(spec.partitions()),
                    Integer.toString(observed.partitions()), observed.partitions() < spec.partitions()));
        }
        int wantedReplication = Math.min(spec.replication(), Math.max(1, brokerCount));
        if (observed.replication() != wantedReplication) {
            drifts.add(new TopicDrift("replication", Integer.toString(wantedReplication),
                    Integer.toString(observed.replication()), false));
        }
        for (Map.Entry<String, String> config : spec.configs().entrySet()) {
            String actual = observed.configs().get(config.getKey());
            if (!config.getValue().equals(actual)) {
                drifts.add(new TopicDrift(config.getKey(), config.getValue(), String.valueOf(actual), false));
            }
        }
        return List.copyOf(drifts);
    }

    /** {@code cleanup.policy: wanted delete, found compact}. */
    public String describe() {
        return property + ": wanted " + wanted + ", found " + actual + (growable ? " (can grow)" : "");
    }
}
