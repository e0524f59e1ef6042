package ai.mint.catalog.internal;

import ai.mint.common.catalog.CatalogKeys;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions records keyed {@code POLICY@...} by the policy id alone, as Kafka's default partitioner would a record
 * keyed by the policy: a policy's revisions then sit on the same partition number as its other events.
 */
public final class PolicyPartitioner implements StreamPartitioner<String, Object> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
        return Optional.of(Set.of(CatalogKeys.policyPartition(CatalogKeys.policyOf(key), numPartitions)));
    }
}
