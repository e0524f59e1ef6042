package ai.mint.connect;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Source partitions with a fixed key order. Connect serializes a partition map to JSON in its iteration order and
 * finds committed offsets by those bytes; {@code Map.of} iterates in an order that changes from one JVM to the next,
 * so a restarted worker would look under other bytes and find nothing (every file read again).
 */
public final class SourcePartitions {

    private SourcePartitions() {
    }

    /** The partition {k1: v1, k2: v2}, keys sorted. */
    public static Map<String, String> of(String k1, String v1, String k2, String v2) {
        Map<String, String> partition = new TreeMap<>();
        partition.put(k1, v1);
        partition.put(k2, v2);
        return Collections.unmodifiableMap(partition);
    }
}
