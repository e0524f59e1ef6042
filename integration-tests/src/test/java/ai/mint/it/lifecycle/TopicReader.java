package ai.mint.it.lifecycle;

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

/** Reads a whole topic as it is now (beginning to end) and keeps the events that match, for assertions. */
public final class TopicReader {

    private TopicReader() {
    }

    public static <T extends SpecificRecord> List<T> readAll(String bootstrap, String registryUrl, String topic,
                                                             Class<T> type, Predicate<T> keep) {
        AvroEventDeserializer<T> decoder = new AvroEventDeserializer<>(SchemaRegistryClients.fromUrl(registryUrl), type);
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.of(PlatformConnection.of(bootstrap, registryUrl))
                .consumer("it-reader", new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<T> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        T event = decoder.deserialize(topic, r.value());
                        if (keep.test(event)) {
                            out.add(event);
                        }
                    } catch (RuntimeException e) {
                        // other tests publish undecodable records on purpose; they are not this test's events
                    }
                }
            }
            return out;
        }
    }
}
