package ai.mint.common.kafka;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one factory of the project's Kafka clients. Each config is built in three layers, later winning: the project's
 * defaults, the connection's pass-through properties (security, and anything a deployment tunes), then what the
 * caller needs (group id, offsets, a latency choice). Producer defaults: acks=all with idempotence, lz4 compression and
 * records bounded to what every topic accepts ({@link Topics#MAX_RECORD_BYTES}), so an oversized record is refused by
 * the producer with a message naming its size and the bound. Timeouts are short so that an unreachable cluster is
 * reported in seconds rather than after Kafka's one-minute defaults.
 */
public final class KafkaClients {

    /** Compression of every producer: lz4 is cheap on CPU and its natives load here (zstd packs tighter). */
    public static final String COMPRESSION = "lz4";
    /** Request, metadata and API timeout of every client, in milliseconds. */
    public static final int TIMEOUT_MS = 15_000;
    /** How long a producer may take to deliver a record, retries included. */
    public static final int DELIVERY_TIMEOUT_MS = 30_000;

    private final PlatformConnection connection;

    private KafkaClients(PlatformConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    public static KafkaClients of(PlatformConnection connection) {
        return new KafkaClients(connection);
    }

    public PlatformConnection connection() {
        return connection;
    }

    /** What every producer of the project sets before the connection's and the caller's settings. */
    public static Map<String, Object> producerDefaults() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        return c;
    }

    /** A producer's config: defaults, the connection's properties, then {@code overrides}. */
    public Map<String, Object> producerConfig(String clientId, Map<String, ?> overrides) {
        return layered(producerDefaults(), clientId, overrides);
    }

    /**
     * A consumer's config: no auto-commit (every reader commits, or does not, on purpose), read_committed (the stream
     * apps write transactionally), then the connection's and the caller's.
     */
    public Map<String, Object> consumerConfig(String clientId, Map<String, ?> overrides) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        return layered(c, clientId, overrides);
    }

    /** An admin client's config: short timeouts, then the connection's properties. */
    public Map<String, Object> adminConfig(String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        return layered(c, clientId, Map.of());
    }

    public <K, V> KafkaProducer<K, V> producer(String clientId, Serializer<K> keys, Serializer<V> values) {
        return producer(clientId, keys, values, Map.of());
    }

    public <K, V> KafkaProducer<K, V> producer(String clientId, Serializer<K> keys, Serializer<V> values,
                                               Map<String, ?> overrides) {
        return new KafkaProducer<>(producerConfig(clientId, overrides), keys, values);
    }

    public <K, V> KafkaConsumer<K, V> consumer(String clientId, Deserializer<K> keys, Deserializer<V> values) {
        return consumer(clientId, keys, values, Map.of());
    }

    public <K, V> KafkaConsumer<K, V> consumer(String clientId, Deserializer<K> keys, Deserializer<V> values,
                                               Map<String, ?> overrides) {
        return new KafkaConsumer<>(consumerConfig(clientId, overrides), keys, values);
    }

    public Admin admin(String clientId) {
        return Admin.create(adminConfig(clientId));
    }

    private Map<String, Object> layered(Map<String, Object> defaults, String clientId, Map<String, ?> overrides) {
        Map<String, Object> c = new HashMap<>(defaults);
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, Objects.requireNonNull(clientId, "clientId"));
        c.putAll(connection.kafkaProperties());
        c.putAll(overrides);
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
        return c;
    }
}
