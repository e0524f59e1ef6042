package ai.mint.topics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One topic of the platform: its name, layout and what flows on it. Immutable; the full list is {@link Topics#ALL}.
 *
 * @param name          topic name
 * @param partitions    partition count; keys are policy ids, so one policy's events stay ordered on one partition
 * @param replication   replication factor wanted on a real cluster (the embedded single broker caps it at 1)
 * @param cleanup       delete for event streams, compact for state
 * @param retention     how long records are kept; {@code null} keeps them forever
 * @param keyType       what the key is (keys are UTF-8 strings written with Kafka's StringSerializer)
 * @param valueRecord   full name of the Avro record carried as value (Confluent wire format)
 * @param doc           one sentence on what the topic is for
 */
public record TopicSpec(
        String name,
        int partitions,
        short replication,
        CleanupPolicy cleanup,
        Duration retention,
        String keyType,
        String valueRecord,
        String doc) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cleanup, "cleanup");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueRecord, "valueRecord");
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, got " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("topic " + name + ": replication must be >= 1, got " + replication);
        }
    }

    /** Schema registry subject of the value (Confluent's TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }

    /** Schema registry subject of the key (Confluent's TopicNameStrategy); keys are plain strings today. */
    public String keySubject() {
        return name + "-key";
    }

    /** The topic config that bounds the size of one record batch. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    /** The topic configs the platform sets and checks for drift; records are bounded by {@link Topics#MAX_RECORD_BYTES}. */
    public Map<String, String> configs() {
        String retentionMs = retention == null ? "-1" : Long.toString(retention.toMillis());
        return Map.of("cleanup.policy", cleanup.configValue(), "retention.ms", retentionMs,
                MAX_MESSAGE_BYTES, Integer.toString(Topics.MAX_RECORD_BYTES));
    }

    /** The same topic with another replication factor, e.g. 1 on the embedded single broker. */
    public TopicSpec withReplication(short newReplication) {
        return new TopicSpec(name, partitions, newReplication, cleanup, retention, keyType, valueRecord, doc);
    }
}
