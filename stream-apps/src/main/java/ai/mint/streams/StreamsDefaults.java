package ai.mint.streams;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.topics.Topics;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The Kafka Streams settings every stream app of the platform starts from (catalog, orchestrator, and later the
 * scheduler and monitoring apps), which each app then extends with its own. Layered like every other Kafka client of
 * the project: the project's producer defaults (lz4, records bounded to {@link Topics#MAX_RECORD_BYTES}, changelogs
 * bounded alike, new topics of a pattern source found within {@link #TOPIC_DISCOVERY_MS}), then the connection's
 * pass-through properties (security, tuning), then what no app may change:
 * exactly_once_v2, explicitly named internal topics and stores, the address, id and state directory. The record-level
 * exception handlers of {@link StreamsErrors} come with it.
 */
public final class StreamsDefaults {

    /**
     * How often (ms) the main consumer refreshes its metadata, and so how soon a topic created while the app runs is
     * read by a pattern source (tenants' topics in the catalog and the scheduler, reply topics in the monitor and the
     * feedback join). Kafka's default, 5 minutes, left a tenant added at run time unserved that long.
     */
    public static final int TOPIC_DISCOVERY_MS = 5_000;

    private StreamsDefaults() {
    }

    /**
     * @param replication replication of changelog and repartition topics; -1 takes the broker's default
     */
    public static Properties base(PlatformConnection connection, String applicationId, Path stateDir, int replication) {
        Properties props = new Properties();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, KafkaClients.COMPRESSION);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES);
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Topics.MAX_RECORD_BYTES);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication);
        // every source reads bytes and decodes in the topology, so this only guards keys and timestamps;
        // bad values reach the dead-letter topic through the decode step
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // a record whose processing or output fails for good is dead-lettered, not retried forever (StreamsErrors)
        StreamsErrors.install(props, new ProducerDeadLetterSink(connection, applicationId));
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), TOPIC_DISCOVERY_MS);
        props.putAll(connection.kafkaProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return props;
    }
}
