package ai.mint.it;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroSerdes;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Writing and reading platform events the way every app does: the topic's value class, through the registry. */
public final class Events {

    private Events() {
    }

    /** Serializes with the topic's generated class (registering its schema) and sends it, keyed by {@code key}. */
    public static RecordMetadata send(String bootstrap, SchemaRegistryClient registry, TopicSpec topic, String key,
                               SpecificRecord event) throws Exception {
        try (KafkaProducer<String, byte[]> producer = clients(bootstrap).producer("it-events", new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic.name(), key, serialize(topic, event, registry))).get();
        }
    }

    /** The project's Kafka clients of a plaintext cluster at {@code bootstrap}. */
    static KafkaClients clients(String bootstrap) {
        return KafkaClients.of(PlatformConnection.of(bootstrap, null));
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> byte[] serialize(TopicSpec topic, SpecificRecord event,
                                                       SchemaRegistryClient registry) {
        Class<T> type = (Class<T>) TopicTypes.valueClass(topic);
        return AvroSerdes.specific(type, registry).serializer().serialize(topic.name(), (T) event);
    }

    static SpecificRecord deserialize(TopicSpec topic, byte[] bytes, SchemaRegistryClient registry) {
        return AvroSerdes.specific(TopicTypes.valueClass(topic), registry).deserializer()
                .deserialize(topic.name(), bytes);
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return consumer(clients(bootstrap));
    }

    private static KafkaConsumer<String, byte[]> consumer(KafkaClients clients) {
        return clients.consumer("it-events", new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The raw record at this partition and offset. */
    static ConsumerRecord<String, byte[]> readAt(String bootstrap, String topic, int partition, long offset) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
            throw new AssertionError("no record at " + topic + "-" + partition + "@" + offset + " within 20 s");
        }
    }

    /** Every raw record of the topic, from the beginning up to its current end, that matches {@code filter}. */
    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic,
                                                        Predicate<ConsumerRecord<String, byte[]>> filter) {
        return readAll(PlatformConnection.of(bootstrap, null), topic, filter);
    }

    /** {@link #readAll(String, String, Predicate)} through this connection (a secured cluster). */
    static List<ConsumerRecord<String, byte[]>> readAll(PlatformConnection connection, String topic,
                                                        Predicate<ConsumerRecord<String, byte[]>> filter) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(KafkaClients.of(connection))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within 20 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (filter.test(r)) {
                        records.add(r);
                    }
                });
            }
            return records;
        }
    }
}
