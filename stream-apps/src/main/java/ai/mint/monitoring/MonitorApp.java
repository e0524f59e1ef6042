package ai.mint.monitoring;

import ai.mint.common.decode.DecodeConfig;
import ai.mint.events.Alert;
import ai.mint.events.DeadLetter;
import ai.mint.events.PolicyView;
import ai.mint.events.WorkerView;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.streams.JsonSerde;
import ai.mint.streams.StreamsDefaults;
import ai.mint.streams.StreamsErrors;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The monitoring app: a Kafka Streams app that folds the platform's raw topics into views and alerts on topics.
 * Inference responses (the shared topic and every instance's reply topic), live reward metrics and dead letters
 * become one {@link PolicyView} per policy and closed tumbling window ({@link PolicyWindowProcessor}) on a compacted
 * topic, with {@link AlertRules alerts} on {@code mint.alerts}; heartbeats and the same responses repartitioned by
 * worker id become {@link WorkerView}s with per-worker windows and silent-worker alerts ({@link WorkerViewProcessor}).
 * Every policy input is keyed by policy id with the same partition count, so one task owns a policy's window; reply
 * topics (one partition each) are repartitioned by policy first.
 */
public final class MonitorApp {

    /**
     * With {@code input.offset.reset=latest}, how far back a reply topic is read when the monitor first reads it. A
     * client makes its reply topic just before its first request and is answered within a second, while the monitor
     * finds the topic only at its next metadata refresh ({@link StreamsDefaults#TOPIC_DISCOVERY_MS}) and rebalance:
     * read from its end, a new client's first answers were never counted. A new application id therefore folds the
     * last minute of the reply topics that exist when it starts.
     */
    static final Duration REPLY_TOPIC_CATCH_UP = Duration.ofMinutes(1);

    private MonitorApp() {
    }

    /**
     * The topology.
     *
     * @param persistent     RocksDB stores (true) or in-memory ones (TopologyTestDriver)
     * @param fromEarliest   a new application id reads its inputs from their start (else from their end)
     * @param replyPartitions partitions of the reply repartition topic (those of the responses topic)
     * @param workerPartitions partitions of the worker-answers repartition topic (those of the heartbeats topic)
     */
    public static Topology buildTopology(MonitorTopics topics, SchemaRegistryClient registry, String appName,
                                         boolean persistent, boolean fromEarliest, int replyPartitions,
                                         int workerPartitions) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(persistent, MonitorNodes.WINDOWS, JsonSerde.of(PolicyWindow.class,
                "policy window")));
        builder.addStateStore(store(persistent, MonitorNodes.CLOCK, Serdes.Long()));
        builder.addStateStore(store(persistent, MonitorNodes.GUARDS, Serdes.Double()));
        builder.addStateStore(store(persistent, MonitorNodes.WORKERS, JsonSerde.of(WorkerFold.class, "worker fold")));
        builder.addStateStore(store(persistent, MonitorNodes.WORKER_WINDOWS, JsonSerde.of(WorkerWindow.class,
                "worker window")));
        builder.addStateStore(store(persistent, MonitorNodes.WORKER_CLOCK, Serdes.Long()));

        AutoOffsetReset reset = fromEarliest ? AutoOffsetReset.earliest() : AutoOffsetReset.latest();
        KStream<String, byte[]> responses = source(builder, topics.responses(), reset);
        AutoOffsetReset replyReset = fromEarliest ? reset : AutoOffsetReset.byDuration(REPLY_TOPIC_CATCH_UP);
        KStream<String, byte[]> replies = builder.stream(topics.replyTopics(),
                        consumed("monitor-source-replies", replyReset))
                .repartition(Repartitioned.<String, byte[]>as(MonitorNodes.REPLIES)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray())
                        .withNumberOfPartitions(replyPartitions));
        KStream<String, byte[]> metrics = source(builder, topics.metrics(), reset);
        KStream<String, byte[]> deadLetters = source(builder, topics.deadLetter(), reset);
        // the catalog is compacted: its whole state is needed whatever the reset, for the guards' thresholds
        KStream<String, byte[]> catalog = source(builder, topics.catalog(), AutoOffsetReset.earliest());

        KStream<String, byte[]> answers = responses.merge(replies, Named.as("monitor-merge-replies"));
        KStream<String, SpecificRecord> policyOut = answers
                .merge(metrics, Named.as("monitor-merge-metrics"))
                .merge(deadLetters, Named.as("monitor-merge-dead-letters"))
                .merge(catalog, Named.as("monitor-merge-catalog"))
                .process(() -> new PolicyWindowProcessor(appName, registry, topics), Named.as("monitor-policies"),
                        MonitorNodes.WINDOWS, MonitorNodes.CLOCK, MonitorNodes.GUARDS);
        // responses are keyed by policy: repartitioned by worker id (as the heartbeats are keyed, with as many
        // partitions) so that one task holds a worker's heartbeats and its answers
        KStream<String, byte[]> byWorker = answers
                .process(() -> new AnswerRekeyProcessor(registry), Named.as("monitor-answers-by-worker"))
                .repartition(Repartitioned.<String, byte[]>as(MonitorNodes.WORKER_ANSWERS)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray())
                        .withNumberOfPartitions(workerPartitions));
        KStream<String, SpecificRecord> workerOut = source(builder, topics.workerStatus(), reset)
                .merge(byWorker, Named.as("monitor-merge-worker-answers"))
                .process(() -> new WorkerViewProcessor(appName, registry, topics.workerStatus()),
                        Named.as("monitor-workers"), MonitorNodes.WORKERS, MonitorNodes.WORKER_WINDOWS,
                        MonitorNodes.WORKER_CLOCK);

        Serde<SpecificRecord> values = Serdes.serdeFrom(new AvroEventSerializer<>(registry), (topic, bytes) -> {
            throw new SerializationException("the monitoring app only writes " + topic);
        });
        TopicNameExtractor<String, SpecificRecord> byType = (key, value, context) -> topicOf(topics, value);
        policyOut.to(byType, Produced.with(Serdes.String(), values).withName("monitor-sink-policies"));
        workerOut.to(byType, Produced.with(Serdes.String(), values).withName("monitor-sink-workers"));
        return builder.build();
    }

    private static String topicOf(MonitorTopics topics, SpecificRecord value) {
        if (value instanceof PolicyView) {
            return topics.policyViews();
        }
        if (value instanceof WorkerView) {
            return topics.workerViews();
        }
        if (value instanceof Alert) {
            return topics.alerts();
        }
        if (value instanceof DeadLetter) {
            return topics.deadLetter();
        }
        throw new IllegalStateException("no topic for " + value.getSchema().getName());
    }

    private static KStream<String, byte[]> source(StreamsBuilder builder, String topic, AutoOffsetReset reset) {
        return builder.stream(topic, consumed("monitor-source-" + topic, reset));
    }

    private static Consumed<String, byte[]> consumed(String name, AutoOffsetReset reset) {
        return Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name).withOffsetResetPolicy(reset);
    }

    private static <V> StoreBuilder<?> store(boolean persistent, String name, Serde<V> values) {
        KeyValueBytesStoreSupplier supplier = persistent ? Stores.persistentKeyValueStore(name)
                : Stores.inMemoryKeyValueStore(name);
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), values).withLoggingEnabled(Map.of());
    }

    /** The app's Kafka Streams settings: the platform's base ({@link StreamsDefaults}) and its own. */
    public static Properties streamsConfig(MonitorConfig config) {
        Properties props = StreamsDefaults.base(config.connection, config.applicationId, config.stateDir,
                config.internalReplication);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs);
        props.putAll(DecodeConfig.passOn(config.values()));
        props.putAll(config.windows.asSettings());
        return props;
    }

    /** The app, not started yet (so that a state listener can be set). */
    public static KafkaStreams create(MonitorConfig config) {
        KafkaStreams streams = new KafkaStreams(buildTopology(MonitorTopics.defaults(), config.connection.registry(),
                config.applicationId, true, config.fromEarliest, config.replyPartitions, config.workerAnswerPartitions),
                streamsConfig(config));
        // retriable failures replace the thread after a backoff; a broken invariant stops the app (StreamsErrors)
        streams.setUncaughtExceptionHandler(StreamsErrors.uncaughtHandler(config.applicationId));
        return streams;
    }

    public static void stop(KafkaStreams streams, Duration timeout) {
        streams.close(timeout);
    }
}
