package ai.mint.scheduling;

import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.kafka.ReplyTopicLookup;
import ai.mint.common.kafka.ReplyTopics;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.scheduling.internal.Route;
import ai.mint.scheduling.internal.SchedulerNodes;
import ai.mint.scheduling.internal.SchedulerProcessor;
import ai.mint.scheduling.internal.SchedulerStores;
import ai.mint.scheduling.internal.TrackedRequest;
import ai.mint.scheduling.internal.WorkerStatusUpdater;
import ai.mint.scheduling.plan.Budgets;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.streams.JsonSerde;
import ai.mint.streams.StreamsDefaults;
import ai.mint.streams.StreamsErrors;
import ai.mint.topics.Tenant;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler: a Kafka Streams app that turns inference requests into adapter-packed work for the workers. It reads
 * the requests, the catalog (to resolve each request's serving revision), workers' pack-done reports, and every
 * worker's heartbeat (a global store: true residency, queue capacity, liveness); it groups waiting requests by
 * adapter revision into packs (requests of one adapter read within a pack window leave together), each addressed to
 * one worker on that worker's own topic — a worker that holds the adapter if one has room, else the one with room and the shortest queue, with a load of the adapter sent
 * ahead of the pack ({@link ai.mint.scheduling.plan.PackPlanner}). A worker whose heartbeats stop loses its
 * unanswered packs to the others; a request id is placed once and never sent again once answered.
 *
 * <p>Tasks (one per request partition) decide independently; each may fill a 1/tasks share of every worker's queue
 * and device budget, so that together they never overfill one.
 */
public final class SchedulerApp {

    private SchedulerApp() {
    }

    /**
     * The topology.
     *
     * @param persistent  RocksDB stores (true) or in-memory ones (TopologyTestDriver)
     * @param budgets     the placement budgets of one task
     * @param tick        how often (wall clock) waiting requests are looked at and placed
     * @param replyTopics opens a task's check of which reply topics exist (error answers go only to those)
     */
    public static Topology buildTopology(SchedulerTopics topics, SchemaRegistryClient registry, String appName,
                                         boolean persistent, Budgets budgets, Duration tick,
                                         Duration doneRetention, Supplier<? extends ReplyTopicLookup> replyTopics) {
        Topology topology = new Topology();
        List<String> inputs = List.of(topics.requests(), topics.catalog(), topics.workDone());
        for (String topic : inputs) {
            topology.addSource(SchedulerNodes.source(topic), new StringDeserializer(), new ByteArrayDeserializer(),
                    topic);
        }
        // every tenant's inference requests (mint.tenant.NAME.inference.requests), also of tenants added later
        String tenantRequests = SchedulerNodes.source("tenant-inference-requests");
        topology.addSource(tenantRequests, new StringDeserializer(), new ByteArrayDeserializer(),
                Tenant.Kind.INFERENCE_REQUESTS.pattern());
        List<String> sources = new ArrayList<>(inputs.stream().map(SchedulerNodes::source).toList());
        sources.add(tenantRequests);
        topology.addProcessor(SchedulerNodes.SCHEDULER,
                () -> new SchedulerProcessor(appName, registry, topics, budgets, tick, doneRetention, replyTopics),
                sources.toArray(String[]::new));
        topology.addStateStore(store(persistent, SchedulerStores.ROUTES, JsonSerde.of(Route.class, "route")),
                SchedulerNodes.SCHEDULER);
        topology.addStateStore(store(persistent, SchedulerStores.REQUESTS,
                JsonSerde.of(TrackedRequest.class, "tracked request")), SchedulerNodes.SCHEDULER);
        topology.addStateStore(store(persistent, SchedulerStores.DONE_INDEX, Serdes.String()),
                SchedulerNodes.SCHEDULER);
        topology.addGlobalStore(Stores.keyValueStoreBuilder(supplier(persistent, SchedulerStores.WORKERS),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                SchedulerNodes.source(topics.workerStatus()), new StringDeserializer(), new ByteArrayDeserializer(),
                topics.workerStatus(), SchedulerNodes.WORKER_STATUS_UPDATER, WorkerStatusUpdater::new);

        StringSerializer keys = new StringSerializer();
        Serializer<SpecificRecord> values = new AvroEventSerializer<>(registry);
        TopicNameExtractor<String, SpecificRecord> toWorker = (key, item, context) ->
                SchedulerProcessor.workTopicOf(item);
        TopicNameExtractor<String, SpecificRecord> toReplyTopic = (key, answer, context) -> {
            Header topic = context.headers().lastHeader(SchedulerNodes.REPLY_TOPIC_HEADER);
            return topic == null ? topics.responses() : new String(topic.value(), StandardCharsets.UTF_8);
        };
        topology.addSink(SchedulerNodes.SINK_WORK, toWorker, keys, values, SchedulerNodes.SCHEDULER);
        topology.addSink(SchedulerNodes.SINK_REPLIES, toReplyTopic, keys, values, SchedulerNodes.SCHEDULER);
        topology.addSink(SchedulerNodes.SINK_DEAD_LETTER, topics.deadLetter(), keys, values,
                SchedulerNodes.SCHEDULER);
        return topology;
    }

    private static <V> StoreBuilder<?> store(boolean persistent, String name,
                                             org.apache.kafka.common.serialization.Serde<V> values) {
        return Stores.keyValueStoreBuilder(supplier(persistent, name), Serdes.String(), values)
                .withLoggingEnabled(Map.of());
    }

    private static KeyValueBytesStoreSupplier supplier(boolean persistent, String name) {
        return persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }

    /** The scheduler's Kafka Streams settings: the platform's base ({@link StreamsDefaults}) and its own. */
    public static Properties streamsConfig(SchedulerConfig config) {
        Properties props = StreamsDefaults.base(config.connection, config.applicationId, config.stateDir,
                config.internalReplication);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs);
        // wall-clock punctuation runs between polls: a poll that blocks longer than a tick delays every pack
        props.put(StreamsConfig.POLL_MS_CONFIG, config.tick.toMillis());
        // a request is placed when it is read, not held until the catalog or pack-done partitions have data too
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // a pack goes to the broker when it is formed (workers read their work topic uncommitted), not at the
        // commit's flush; Kafka Streams' own producer default lingers 100 ms
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        props.putAll(DecodeConfig.passOn(config.values()));
        return props;
    }

    /** The scheduler, not started yet; its tasks share workers' budgets by the request topic's partition count. */
    public static KafkaStreams create(SchedulerConfig config) {
        SchedulerTopics topics = SchedulerTopics.defaults();
        int tasks = partitions(config, topics.requests());
        KafkaStreams streams = new KafkaStreams(buildTopology(topics, config.connection.registry(),
                config.applicationId, config.persistentStores, config.budgets(tasks), config.tick,
                config.doneRetention, () -> new ReplyTopics(KafkaClients.of(config.connection)
                        .admin(config.applicationId + "-reply-topics"))), streamsConfig(config));
        // retriable failures replace the thread after a backoff; a broken invariant stops the app (StreamsErrors)
        streams.setUncaughtExceptionHandler(StreamsErrors.uncaughtHandler(config.applicationId));
        return streams;
    }

    /** Starts the scheduler; stop it with {@link #stop}. */
    public static KafkaStreams start(SchedulerConfig config) {
        KafkaStreams streams = create(config);
        streams.start();
        return streams;
    }

    public static void stop(KafkaStreams streams, Duration timeout) {
        streams.close(timeout);
    }

    private static int partitions(SchedulerConfig config, String topic) {
        try (Admin admin = KafkaClients.of(config.connection).admin(config.applicationId + "-admin")) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(KafkaClients.TIMEOUT_MS,
                    TimeUnit.MILLISECONDS).get(topic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the partitions of " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the partitions of " + topic + " (is the platform up and "
                    + "are its topics created?): " + e.getMessage(), e);
        }
    }
}
