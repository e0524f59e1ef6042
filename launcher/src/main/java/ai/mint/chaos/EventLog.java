package ai.mint.chaos;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one of the platform's topics from its beginning to its end as it is now, keeping the events that match; a
 * record that does not decode as {@code type} (a test's deliberate garbage, another record type) is skipped.
 */
public final class EventLog {

    private EventLog() {
    }

    public static <T extends SpecificRecord> List<T> read(PlatformConnection connection, String topic, Class<T> type,
                                                   Predicate<T> keep) {
        AvroEventDeserializer<T> decoder = new AvroEventDeserializer<>(
                SchemaRegistryClients.fromUrl(connection.schemaRegistryUrl()), type);
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.of(connection)
                .consumer("mint-chaos-reader", new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<T> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new ChaosException("could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    T event;
                    try {
                        event = decoder.deserialize(topic, r.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (keep.test(event)) {
                        out.add(event);
                    }
                }
            }
            return out;
        }
    }
}
