package ai.mint.platform;

import java.util.Map;

/**
 * A topic as the cluster reports it: partition count, replication factor of its first partition, and its configs.
 *
 * @param name        topic name
 * @param partitions  number of partitions
 * @param replication replication factor
 * @param configs     the topic's effective configs (at least {@code cleanup.policy} and {@code retention.ms})
 */
public record ObservedTopic(String name, int partitions, int replication, Map<String, String> configs) {

    public ObservedTopic {
        configs = Map.copyOf(configs);
    }
}
