package ai.mint.platform;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Client settings the command line and the platform share. Timeouts are short so that an unreachable cluster is
 * reported within seconds rather than after Kafka's one-minute defaults. Keys are policy-id strings; values are raw
 * bytes, framed and decoded by the Avro serdes so that each failure can be reported per record.
 */
public final class KafkaClientConfigs {

    private static final String TIMEOUT_MS = "15000";

    private KafkaClientConfigs() {
    }

    public static Map<String, Object> admin(String bootstrapServers) {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.parseInt(TIMEOUT_MS));
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.parseInt(TIMEOUT_MS));
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, "mint-admin");
        return c;
    }

    /** A producer of String keys and already-serialized values; acks=all, idempotent. */
    public static Map<String, Object> producer(String bootstrapServers) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        c.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, "mint-producer");
        return c;
    }

    /** A group-less consumer (partitions are assigned by hand) of String keys and raw values. */
    public static Map<String, Object> consumer(String bootstrapServers) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, "mint-consumer");
        return c;
    }
}
