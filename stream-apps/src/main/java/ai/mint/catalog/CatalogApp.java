package ai.mint.catalog;

import ai.mint.catalog.internal.CatalogNodes;
import ai.mint.catalog.internal.CatalogProcessor;
import ai.mint.catalog.internal.DecodeProcessor;
import ai.mint.catalog.internal.PolicyPartitioner;
import ai.mint.catalog.internal.RecentEventIds;
import ai.mint.catalog.query.CatalogHttpServer;
import ai.mint.catalog.query.StreamsCatalogReader;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.streams.StreamsDefaults;
import ai.mint.topics.Tenant;
import ai.mint.streams.StreamsErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.Stores;

/**
 * The catalog app: folds the lifecycle topics (policy specs, update, export and eval results, serve and rollback
 * requests) into one bounded catalog entry per policy, one record per revision and one per pointer move, enforcing the
 * lifecycle state machine and retention; publishes them to their topics (entries and revisions compacted, moves
 * append-only), retirements and serve/rollback results to theirs, refusals to the dead-letter topic; and answers
 * queries over HTTP. {@link #buildTopology} and {@link #streamsConfig} are what tests drive.
 */
public final class CatalogApp {


    private CatalogApp() {
    }

    /**
     * The catalog topology. Every input is read as bytes and decoded in the topology, so that undecodable records
     * reach the dead-letter topic inside the same transaction as everything else.
     */
    public static Topology buildTopology(CatalogTopics topics, CatalogSerdes serdes, StoreKind storeKind, String appName) {
        return buildTopology(topics, serdes, storeKind, appName, CatalogStores.RECENT_EVENT_IDS_PER_POLICY,
                RetentionSettings.defaults());
    }

    /** The catalog topology with these retention settings. */
    public static Topology buildTopology(CatalogTopics topics, CatalogSerdes serdes, StoreKind storeKind, String appName,
                                         RetentionSettings retention) {
        return buildTopology(topics, serdes, storeKind, appName, CatalogStores.RECENT_EVENT_IDS_PER_POLICY, retention);
    }

    /**
     * The catalog topology remembering {@code recentIdsPerPolicy} event ids per policy to drop duplicates, with these
     * retention settings.
     */
    public static Topology buildTopology(CatalogTopics topics, CatalogSerdes serdes, StoreKind storeKind, String appName,
                                         int recentIdsPerPolicy, RetentionSettings retention) {
        Topology topology = new Topology();
        Map<String, Serde<? extends SpecificRecord>> inputs = new LinkedHashMap<>();
        inputs.put(topics.policySpecs(), serdes.policySpec());
        inputs.put(topics.updateResults(), serdes.updateResult());
        inputs.put(topics.exportResults(), serdes.exportResult());
        inputs.put(topics.evalResults(), serdes.evalResult());
        inputs.put(topics.serveRequests(), serdes.serveRequest());
        inputs.put(topics.rollbackRequests(), serdes.rollbackRequest());

        List<String> decoders = new ArrayList<>(inputs.keySet().stream().map(CatalogNodes::decode).toList());
        inputs.forEach((topic, serde) -> {
            topology.addSource(CatalogNodes.source(topic), new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic);
            topology.addProcessor(CatalogNodes.decode(topic), () -> new DecodeProcessor<>(serde.deserializer(), appName),
                    CatalogNodes.source(topic));
        });
        // every tenant's spec, serve and rollback topic (mint.tenant.NAME.policy.specs, ...), also those made after
        // start (by pattern): a tenant acts on its own policies through topics only it and the services may write
        Map<Tenant.Kind, Serde<? extends SpecificRecord>> tenantInputs = new LinkedHashMap<>();
        tenantInputs.put(Tenant.Kind.POLICY_SPECS, serdes.policySpec());
        tenantInputs.put(Tenant.Kind.SERVE_REQUESTS, serdes.serveRequest());
        tenantInputs.put(Tenant.Kind.ROLLBACK_REQUESTS, serdes.rollbackRequest());
        tenantInputs.forEach((kind, serde) -> {
            String name = CatalogNodes.tenantInput(kind);
            topology.addSource(CatalogNodes.source(name), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                    kind.pattern());
            topology.addProcessor(CatalogNodes.decode(name), () -> new DecodeProcessor<>(serde.deserializer(), appName),
                    CatalogNodes.source(name));
            decoders.add(CatalogNodes.decode(name));
        });
        topology.addProcessor(CatalogNodes.LIFECYCLE,
                () -> new CatalogProcessor(appName, recentIdsPerPolicy, retention),
                decoders.toArray(String[]::new));
        topology.addStateStore(Stores.keyValueStoreBuilder(storeKind.supplier(CatalogStores.ENTRIES),
                Serdes.String(), serdes.catalogEntry()).withLoggingEnabled(Map.of()), CatalogNodes.LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(storeKind.supplier(CatalogStores.RECENT_EVENT_IDS),
                Serdes.String(), RecentEventIds.serde()).withLoggingEnabled(Map.of()), CatalogNodes.LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(storeKind.supplier(CatalogStores.REVISIONS),
                Serdes.String(), serdes.catalogRevision()).withLoggingEnabled(Map.of()), CatalogNodes.LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(storeKind.supplier(CatalogStores.HISTORY),
                Serdes.String(), serdes.pointerMoved()).withLoggingEnabled(Map.of()), CatalogNodes.LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(storeKind.supplier(CatalogStores.EXPIRIES),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of()), CatalogNodes.LIFECYCLE);

        StringSerializer keys = new StringSerializer();
        topology.addSink(CatalogNodes.SINK_CATALOG, topics.catalog(), keys, serdes.catalogEntry().serializer(),
                CatalogNodes.LIFECYCLE);
        topology.addSink(CatalogNodes.SINK_REVISIONS, topics.catalogRevisions(), keys,
                serdes.catalogRevision().serializer(), new PolicyPartitioner(), CatalogNodes.LIFECYCLE);
        topology.addSink(CatalogNodes.SINK_HISTORY, topics.catalogHistory(), keys, serdes.pointerMoved().serializer(),
                CatalogNodes.LIFECYCLE);
        topology.addSink(CatalogNodes.SINK_RETIREMENTS, topics.catalogRetirements(), keys,
                serdes.revisionRetired().serializer(), CatalogNodes.LIFECYCLE);
        topology.addSink(CatalogNodes.SINK_SERVE_RESULTS, topics.serveResults(), keys, serdes.serveResult().serializer(),
                CatalogNodes.LIFECYCLE);
        topology.addSink(CatalogNodes.SINK_ROLLBACK_RESULTS, topics.rollbackResults(), keys,
                serdes.rollbackResult().serializer(), CatalogNodes.LIFECYCLE);
        // a tenant's request is answered on its own results topic too, the only one its principal may read
        topology.addSink(CatalogNodes.SINK_TENANT_SERVE_RESULTS,
                (key, value, context) -> CatalogNodes.tenantAnswerTopic(context.topic(), Tenant.Kind.SERVE_RESULTS),
                keys, serdes.serveResult().serializer(), CatalogNodes.LIFECYCLE);
        topology.addSink(CatalogNodes.SINK_TENANT_ROLLBACK_RESULTS,
                (key, value, context) -> CatalogNodes.tenantAnswerTopic(context.topic(), Tenant.Kind.ROLLBACK_RESULTS),
                keys, serdes.rollbackResult().serializer(), CatalogNodes.LIFECYCLE);
        String[] deadLetterParents = new String[decoders.size() + 1];
        decoders.toArray(deadLetterParents);
        deadLetterParents[decoders.size()] = CatalogNodes.LIFECYCLE;
        topology.addSink(CatalogNodes.SINK_DEAD_LETTER, topics.deadLetter(), keys, serdes.deadLetter().serializer(),
                deadLetterParents);
        return topology;
    }

    /**
     * Kafka Streams settings of one catalog instance, advertising {@code queryHost} to the other instances: the
     * platform's base ({@link StreamsDefaults}) and the catalog's own, with the decode and dead-letter settings its
     * processors read from the app configs.
     */
    public static Properties streamsConfig(CatalogConfig config, HostInfo queryHost) {
        Properties props = StreamsDefaults.base(config.connection, config.applicationId, config.stateDir,
                config.internalReplication);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, queryHost.host() + ":" + queryHost.port());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs);
        props.putAll(DecodeConfig.passOn(config.values()));
        // every record the catalog writes (topics and changelogs) goes compressed
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), config.compressionType);
        // a member that stopped without leaving (crash, or a close that did not reach the group) holds its
        // partitions until its session expires: 10 s instead of the default 45 s before another instance takes over
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        // all RocksDB stores of the instance share one memory budget, whatever the catalog's size
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.MEMORY_BYTES, config.stateMemoryBytes);
        return props;
    }

    /**
     * Starts one catalog instance: its query API first (so that the advertised port is known, also when 0 picks it),
     * then the streams app. Close the returned handle to stop both.
     */
    public static RunningCatalog start(CatalogConfig config) throws IOException {
        CatalogSerdes serdes = CatalogSerdes.using(config.connection.registry());
        Topology topology = buildTopology(CatalogTopics.defaults(), serdes, config.storeKind, config.applicationId,
                config.recentEventIdsPerPolicy, config.retention());
        StreamsCatalogReader reader = new StreamsCatalogReader();
        // the catalog asks for the credentials its own connection carries (catalog.basic.auth.user.info), if any
        CatalogHttpServer http = CatalogHttpServer.start(reader, config.httpHost, config.httpPort,
                config.queryForwardTimeout, config.connection.catalogUserInfo());
        HostInfo self = new HostInfo(config.httpHost, http.port());
        KafkaStreams streams;
        try {
            streams = new KafkaStreams(topology, streamsConfig(config, self));
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
        reader.attach(streams, self);
        CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        // retriable failures replace the thread after a backoff; a broken invariant stops the app (StreamsErrors)
        streams.setUncaughtExceptionHandler(StreamsErrors.uncaughtHandler(config.applicationId));
        RestoreProgress restore = new RestoreProgress();
        streams.setGlobalStateRestoreListener(restore);
        streams.start();
        return new RunningCatalog(streams, http, stopped, restore, config.shutdownTimeout);
    }

    /** Runs the catalog until the JVM is asked to stop. */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new CatalogCommand()).execute(args));
    }
}
