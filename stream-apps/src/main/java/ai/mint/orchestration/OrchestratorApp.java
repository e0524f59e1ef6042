package ai.mint.orchestration;

import ai.mint.common.decode.DecodeConfig;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.FeedbackExample;
import ai.mint.events.Metric;
import ai.mint.events.RolloutResult;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.streams.StreamsDefaults;
import ai.mint.streams.StreamsErrors;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The orchestrator: a Kafka Streams app that drives every policy's continuous training loop by choreography. It reads
 * the catalog topic (specs, serving pointers), the stage results and the feedback examples of policies that train on
 * them, keeps one loop state per policy in a changelogged
 * store, and publishes the next stage's request ({@link LoopRules}). Streams rather than a plain consumer because the
 * loop state must survive restarts together with the input offsets: with exactly_once_v2 a request is published if and
 * only if the state that expects its result is stored. All inputs are keyed by policy id with the same partition
 * count, so one task owns a policy's whole loop.
 */
public final class OrchestratorApp {

    public static final String LOOP_STORE = "orchestrator-loops";
    /** Pending stages by deadline ({@link DeadlineIndex}), so that the deadline check reads only what is due. */
    public static final String DEADLINE_STORE = "orchestrator-deadlines";
    /** Feedback examples waiting for their policy's next feedback update ({@link FeedbackBuffer}). */
    public static final String FEEDBACK_STORE = "orchestrator-feedback";
    static final String PROCESSOR = "orchestrator-loop";
    static final String SINK_ROLLOUT = "sink-rollout-requests";
    static final String SINK_UPDATE = "sink-update-requests";
    static final String SINK_EXPORT = "sink-export-requests";
    static final String SINK_EVAL = "sink-eval-requests";
    static final String SINK_ROLLBACK = "sink-rollback-requests";
    static final String SINK_DEAD_LETTER = "sink-dead-letters";

    private OrchestratorApp() {
    }

    /** The topology; {@code persistent} false uses an in-memory store (TopologyTestDriver). */
    public static Topology buildTopology(OrchestratorTopics topics, SchemaRegistryClient registry, String appName,
                                         boolean persistent) {
        Map<String, Class<? extends SpecificRecord>> inputs = new LinkedHashMap<>();
        inputs.put(topics.catalog(), CatalogEntry.class);
        inputs.put(topics.rolloutResults(), RolloutResult.class);
        inputs.put(topics.updateResults(), UpdateResult.class);
        inputs.put(topics.exportResults(), ExportResult.class);
        inputs.put(topics.evalResults(), EvalResult.class);
        inputs.put(topics.metrics(), Metric.class);
        inputs.put(topics.feedbackExamples(), FeedbackExample.class);

        Topology topology = new Topology();
        String[] sources = inputs.keySet().stream().map(t -> "source-" + t).toArray(String[]::new);
        for (String topic : inputs.keySet()) {
            topology.addSource("source-" + topic, new StringDeserializer(), new ByteArrayDeserializer(), topic);
        }
        topology.addProcessor(PROCESSOR, () -> new LoopProcessor(appName, registry, inputs, topics), sources);
        KeyValueBytesStoreSupplier supplier = persistent ? Stores.persistentKeyValueStore(LOOP_STORE)
                : Stores.inMemoryKeyValueStore(LOOP_STORE);
        topology.addStateStore(Stores.keyValueStoreBuilder(supplier, Serdes.String(), LoopStateSerde.serde())
                .withLoggingEnabled(Map.of()), PROCESSOR);
        KeyValueBytesStoreSupplier deadlines = persistent ? Stores.persistentKeyValueStore(DEADLINE_STORE)
                : Stores.inMemoryKeyValueStore(DEADLINE_STORE);
        topology.addStateStore(Stores.keyValueStoreBuilder(deadlines, Serdes.String(), Serdes.String())
                .withLoggingEnabled(Map.of()), PROCESSOR);
        KeyValueBytesStoreSupplier buffered = persistent ? Stores.persistentKeyValueStore(FEEDBACK_STORE)
                : Stores.inMemoryKeyValueStore(FEEDBACK_STORE);
        topology.addStateStore(Stores.keyValueStoreBuilder(buffered, Serdes.String(), FeedbackBuffer.serde())
                .withLoggingEnabled(Map.of()), PROCESSOR);
        StringSerializer keys = new StringSerializer();
        Serializer<SpecificRecord> values = new AvroEventSerializer<>(registry);
        topology.addSink(SINK_ROLLOUT, topics.rolloutRequests(), keys, values, PROCESSOR);
        topology.addSink(SINK_UPDATE, topics.updateRequests(), keys, values, PROCESSOR);
        topology.addSink(SINK_EXPORT, topics.exportRequests(), keys, values, PROCESSOR);
        topology.addSink(SINK_EVAL, topics.evalRequests(), keys, values, PROCESSOR);
        topology.addSink(SINK_ROLLBACK, topics.rollbackRequests(), keys, values, PROCESSOR);
        topology.addSink(SINK_DEAD_LETTER, topics.deadLetter(), keys, values, PROCESSOR);
        return topology;
    }

    /**
     * The orchestrator's Kafka Streams settings: the platform's base ({@link StreamsDefaults}), its commit interval,
     * and the settings its processor reads from the app configs (decode retries, dead-letter bound, step attempts).
     */
    public static Properties streamsConfig(OrchestratorConfig config) {
        Properties props = StreamsDefaults.base(config.connection, config.applicationId, config.stateDir,
                config.internalReplication);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs);
        props.putAll(DecodeConfig.passOn(config.values()));
        props.put(OrchestratorConfig.STEP_MAX_ATTEMPTS, config.stepMaxAttempts);
        props.putAll(config.deadlines.asSettings());
        return props;
    }

    /** The orchestrator, not started yet (so that a state listener can be set). */
    public static KafkaStreams create(OrchestratorConfig config) {
        SchemaRegistryClient registry = config.connection.registry();
        KafkaStreams streams = new KafkaStreams(
                buildTopology(OrchestratorTopics.defaults(), registry, config.applicationId, true), streamsConfig(config));
        // retriable failures replace the thread after a backoff; a broken invariant stops the app (StreamsErrors)
        streams.setUncaughtExceptionHandler(StreamsErrors.uncaughtHandler(config.applicationId));
        return streams;
    }

    /** Starts the orchestrator; stop it with {@link #stop}. */
    public static KafkaStreams start(OrchestratorConfig config) {
        KafkaStreams streams = create(config);
        streams.start();
        return streams;
    }

    /** Closes a started orchestrator, waiting up to 30 s for its last commit. */
    public static void stop(KafkaStreams streams) {
        stop(streams, Duration.ofSeconds(30));
    }

    /** Closes a started orchestrator, waiting up to {@code timeout} for its last commit. */
    public static void stop(KafkaStreams streams, Duration timeout) {
        streams.close(timeout);
    }
}
