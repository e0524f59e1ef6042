package ai.mint.catalog;

import ai.mint.catalog.internal.RecentEventIds;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.DeadLetter;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.PointerMoved;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionRetired;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RollbackResult;
import ai.mint.events.ServeRequest;
import ai.mint.events.ServeResult;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClients;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The catalog topology under TopologyTestDriver with in-memory stores and a fresh in-process registry: typed input
 * topics for every lifecycle event, the output topics, and the stores.
 */
public final class CatalogDriver implements AutoCloseable {

    static final String APP = "mint-catalog-test";
    /** Record timestamps are fixed, as they are in a real log, so that a replay sees the same ones. */
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TICK = Duration.ofMillis(10);

    final CatalogTopics topics = CatalogTopics.defaults();
    public final TopologyTestDriver driver;
    final CatalogSerdes serdes;
    private final String registryUrl = "mock://catalog-test-" + UUID.randomUUID();

    final TestInputTopic<String, PolicySpec> specs;
    final TestInputTopic<String, UpdateResult> updates;
    final TestInputTopic<String, ExportResult> exports;
    final TestInputTopic<String, EvalResult> evals;
    final TestInputTopic<String, ServeRequest> serves;
    final TestInputTopic<String, RollbackRequest> rollbacks;
    final TestOutputTopic<String, CatalogEntry> catalog;
    final TestOutputTopic<String, CatalogRevision> revisionTopic;
    final TestOutputTopic<String, PointerMoved> historyTopic;
    final TestOutputTopic<String, RevisionRetired> retirements;
    final TestOutputTopic<String, ServeResult> serveResults;
    final TestOutputTopic<String, RollbackResult> rollbackResults;
    final TestOutputTopic<String, DeadLetter> deadLetters;

    CatalogDriver(Path stateDir) {
        this(stateDir, RetentionSettings.defaults());
    }

    CatalogDriver(Path stateDir, RetentionSettings retention) {
        serdes = CatalogSerdes.using(SchemaRegistryClients.fromUrl(registryUrl));
        CatalogConfig config = new CatalogConfig(Map.of(
                CatalogConfig.REGISTRY_URL, registryUrl,
                CatalogConfig.BOOTSTRAP_SERVERS, "unused:9092",
                CatalogConfig.APPLICATION_ID, APP,
                CatalogConfig.STATE_DIR, stateDir.toString(),
                CatalogConfig.STORE_KIND, "in_memory"));
        driver = new TopologyTestDriver(
                CatalogApp.buildTopology(topics, serdes, config.storeKind, config.applicationId, retention),
                CatalogApp.streamsConfig(config, new HostInfo("127.0.0.1", 7070)), START);
        StringSerializer keys = new StringSerializer();
        specs = driver.createInputTopic(topics.policySpecs(), keys, serdes.policySpec().serializer(), START, TICK);
        updates = driver.createInputTopic(topics.updateResults(), keys, serdes.updateResult().serializer(), START, TICK);
        exports = driver.createInputTopic(topics.exportResults(), keys, serdes.exportResult().serializer(), START, TICK);
        evals = driver.createInputTopic(topics.evalResults(), keys, serdes.evalResult().serializer(), START, TICK);
        serves = driver.createInputTopic(topics.serveRequests(), keys, serdes.serveRequest().serializer(), START, TICK);
        rollbacks = driver.createInputTopic(topics.rollbackRequests(), keys, serdes.rollbackRequest().serializer(),
                START, TICK);
        StringDeserializer keysIn = new StringDeserializer();
        catalog = driver.createOutputTopic(topics.catalog(), keysIn, serdes.catalogEntry().deserializer());
        revisionTopic = driver.createOutputTopic(topics.catalogRevisions(), keysIn,
                serdes.catalogRevision().deserializer());
        historyTopic = driver.createOutputTopic(topics.catalogHistory(), keysIn, serdes.pointerMoved().deserializer());
        retirements = driver.createOutputTopic(topics.catalogRetirements(), keysIn,
                serdes.revisionRetired().deserializer());
        serveResults = driver.createOutputTopic(topics.serveResults(), keysIn, serdes.serveResult().deserializer());
        rollbackResults = driver.createOutputTopic(topics.rollbackResults(), keysIn,
                serdes.rollbackResult().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetter(), keysIn, serdes.deadLetter().deserializer());
    }

    /** Raw bytes onto an input topic, as a misbehaving producer would write them. */
    void pipeRaw(String topic, String key, byte[] value) {
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer(), START, TICK).pipeInput(key, value);
    }

    public KeyValueStore<String, CatalogEntry> entries() {
        return driver.getKeyValueStore(CatalogStores.ENTRIES);
    }

    KeyValueStore<String, RecentEventIds> recentIds() {
        return driver.getKeyValueStore(CatalogStores.RECENT_EVENT_IDS);
    }

    public KeyValueStore<String, CatalogRevision> revisions() {
        return driver.getKeyValueStore(CatalogStores.REVISIONS);
    }

    public KeyValueStore<String, PointerMoved> history() {
        return driver.getKeyValueStore(CatalogStores.HISTORY);
    }

    KeyValueStore<String, String> expiries() {
        return driver.getKeyValueStore(CatalogStores.EXPIRIES);
    }

    CatalogEntry entry(String policy) {
        return entries().get(policy);
    }

    /** Digest of every store, in the order of {@link #STORES}, the way a restart check compares them. */
    String storeDigest() {
        return String.join("/", digest(entries(), StoreDigest::avroBytes),
                digest(recentIds(), ids -> RecentEventIds.serde().serializer().serialize("", ids)),
                digest(revisions(), StoreDigest::avroBytes),
                digest(history(), StoreDigest::avroBytes),
                digest(expiries(), v -> v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The stores {@link #storeDigest} covers, in its order. */
    static final List<String> STORES = List.of(CatalogStores.ENTRIES, CatalogStores.RECENT_EVENT_IDS,
            CatalogStores.REVISIONS, CatalogStores.HISTORY, CatalogStores.EXPIRIES);

    private static <V> String digest(KeyValueStore<String, V> store, java.util.function.Function<V, byte[]> bytes) {
        try (var it = store.all()) {
            return StoreDigest.of(it, bytes);
        }
    }

    /**
     * The largest record (key + value bytes) written to each topic so far, changelogs included; reads the topics'
     * records, so call it once, at the end.
     */
    Map<String, Integer> largestRecordPerTopic() {
        Map<String, Integer> largest = new java.util.TreeMap<>();
        for (String topic : driver.producedTopicNames()) {
            var records = driver.createOutputTopic(topic, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
            int max = 0;
            for (var r : records) {
                max = Math.max(max, (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length));
            }
            largest.put(topic, max);
        }
        return largest;
    }

    List<KeyValue<String, CatalogEntry>> drainCatalog() {
        return catalog.readKeyValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        SchemaRegistryClients.dropMock(registryUrl);
    }
}
