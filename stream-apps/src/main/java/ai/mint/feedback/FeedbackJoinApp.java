package ai.mint.feedback;

import ai.mint.common.decode.DecodeConfig;
import ai.mint.events.DeadLetter;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.streams.JsonSerde;
import ai.mint.streams.StreamsDefaults;
import ai.mint.streams.StreamsErrors;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * The feedback join: a Kafka Streams app that turns feedback on served responses into training data. It reads the
 * responses (the shared topic and every instance's reply topic, repartitioned by policy id to the partitions of the
 * feedback topic), the requests (for their tenant) and the feedback, and writes one {@code FeedbackExample} per
 * accepted feedback (prompt and completion tokens, the serving revision's log-probs, the reward) or a dead letter
 * with the reason ({@link FeedbackJoin}). All three meet keyed by policy id with one partition count, so one task
 * sees a request's response, request and feedback.
 */
public final class FeedbackJoinApp {

    public static final String RESPONSE_STORE = "feedback-responses";
    public static final String TENANT_STORE = "feedback-request-tenants";
    public static final String SEEN_STORE = "feedback-seen";
    public static final String WAITING_STORE = "feedback-waiting";
    /** Name of the responses' repartition topic ({@code <application.id>-feedback-responses-repartition}). */
    public static final String RESPONSES_REPARTITION = "feedback-responses";
    static final String PROCESSOR = "feedback-join";

    private FeedbackJoinApp() {
    }

    /** The topology; {@code persistent} false uses in-memory stores (TopologyTestDriver). */
    public static Topology buildTopology(FeedbackTopics topics, FeedbackWindow window, SchemaRegistryClient registry,
                                         String appName, boolean persistent) {
        StreamsBuilder builder = new StreamsBuilder();
        Consumed<String, byte[]> raw = Consumed.with(Serdes.String(), Serdes.ByteArray());
        KStream<String, byte[]> responses = builder.stream(topics.responses(), raw.withName("feedback-source-responses"))
                .repartition(Repartitioned.<String, byte[]>as(RESPONSES_REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray())
                        .withNumberOfPartitions(topics.partitions()));
        KStream<String, byte[]> requests = builder.stream(topics.requests(),
                raw.withName("feedback-source-requests"));
        KStream<String, byte[]> feedback = builder.stream(topics.feedback(),
                raw.withName("feedback-source-feedback"));

        Duration retention = Duration.ofMillis(window.retentionMs());
        builder.addStateStore(Stores.windowStoreBuilder(windows(RESPONSE_STORE, retention, persistent),
                Serdes.String(), JsonSerde.of(HeldResponse.class, "held response")).withLoggingEnabled(
                Map.of()));
        builder.addStateStore(Stores.windowStoreBuilder(windows(TENANT_STORE, retention, persistent),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of()));
        builder.addStateStore(Stores.windowStoreBuilder(windows(SEEN_STORE, retention, persistent),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of()));
        KeyValueBytesStoreSupplier waiting = persistent ? Stores.persistentKeyValueStore(WAITING_STORE)
                : Stores.inMemoryKeyValueStore(WAITING_STORE);
        builder.addStateStore(Stores.keyValueStoreBuilder(waiting, Serdes.String(),
                JsonSerde.of(HeldFeedback.class, "waiting feedback")).withLoggingEnabled(Map.of()));

        Serde<SpecificRecord> values = Serdes.serdeFrom(new AvroEventSerializer<>(registry),
                new AvroEventDeserializer<>(registry, SpecificRecord.class));
        responses.merge(requests, Named.as("feedback-merge-requests"))
                .merge(feedback, Named.as("feedback-merge-feedback"))
                .process(() -> new FeedbackJoinProcessor(appName, registry, topics, window), Named.as(PROCESSOR),
                        RESPONSE_STORE, TENANT_STORE, SEEN_STORE, WAITING_STORE)
                .to((key, value, context) -> value instanceof DeadLetter ? topics.deadLetter() : topics.examples(),
                        Produced.with(Serdes.String(), values).withName("feedback-sink"));
        return builder.build();
    }

    private static WindowBytesStoreSupplier windows(String name, Duration retention, boolean persistent) {
        // one "window" per held value: only the retention matters, the window size is a formality of the store
        Duration size = Duration.ofMillis(1);
        return persistent ? Stores.persistentWindowStore(name, retention, size, false)
                : Stores.inMemoryWindowStore(name, retention, size, false);
    }

    /**
     * The app's Kafka Streams settings: the platform's base ({@link StreamsDefaults}), its commit interval, and the
     * decode settings its processor reads from the app configs.
     */
    public static Properties streamsConfig(FeedbackConfig config) {
        Properties props = StreamsDefaults.base(config.connection, config.applicationId, config.stateDir,
                config.internalReplication);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs);
        props.putAll(DecodeConfig.passOn(config.values()));
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), config.discoveryMs);
        return props;
    }

    /** The app, not started yet (so that a state listener can be set). */
    public static KafkaStreams create(FeedbackConfig config) {
        SchemaRegistryClient registry = config.connection.registry();
        KafkaStreams streams = new KafkaStreams(buildTopology(FeedbackTopics.defaults().withPartitions(
                config.partitions), config.window(), registry, config.applicationId, true), streamsConfig(config));
        streams.setUncaughtExceptionHandler(StreamsErrors.uncaughtHandler(config.applicationId));
        return streams;
    }

    /** Starts the app; close it with {@link KafkaStreams#close(Duration)}. */
    public static KafkaStreams start(FeedbackConfig config) {
        KafkaStreams streams = create(config);
        streams.start();
        return streams;
    }
}
