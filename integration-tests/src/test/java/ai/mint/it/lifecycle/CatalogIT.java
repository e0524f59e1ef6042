package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.catalog.CatalogStores;
import ai.mint.catalog.RunningCatalog;
import ai.mint.catalog.StoreDigest;
import ai.mint.catalog.internal.RecentEventIds;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.ExportResult;
import ai.mint.it.SharedPlatform;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catalog app on the real broker and registry, fed by lifecycle events as workers publish them: an illegal
 * transition is dead-lettered and changes nothing; a restarted instance with an empty state directory rebuilds stores
 * identical to the ones it had; two instances answer queries for each other's keys.
 */
@ExtendWith(SharedPlatform.class)
class CatalogIT {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private CatalogInstances catalogs;
    private EmbeddedPlatform platform;
    private CatalogEvents events;
    private Path dir;
    private String appId;

    @BeforeEach
    void setUp(EmbeddedPlatform platform) throws Exception {
        this.platform = platform;
        this.events = new CatalogEvents(platform.bootstrapServers(), platform.schemaRegistryUrl());
        this.dir = Files.createTempDirectory("mint-catalog-it-");
        this.appId = "it-catalog-" + UUID.randomUUID().toString().substring(0, 8);
        this.catalogs = new CatalogInstances(platform, appId, dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        catalogs.close();
        events.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void shouldDeadLetterAnIllegalTransitionAndLeaveTheCatalogUnchanged() throws Exception {
        RunningCatalog catalog = catalogs.start("a");
        String policy = "it-illegal-" + appId;
        events.policy(policy);
        events.revision(policy, 1, 0.5);
        JsonNode before = awaitEntry(catalog, policy, e -> "step-0001".equals(text(e, "serving_revision")));

        // an export of a revision that was already exported and evaluated: out of order
        events.send(Topics.EXPORT_RESULTS.name(), policy, ExportResult.newBuilder()
                .setEventId(CatalogEvents.id()).setPolicyId(policy).setTime(Instant.now()).setCorrelationId("x")
                .setProducedBy("it").setRevision("step-0001").setStep(1).setBaseModel(LifecycleHarness.BASE)
                .setAdapterUri("mint://" + policy + "/sampler/other").setSha256("cd".repeat(32)).setBytes(5)
                .setRank(4).setAlpha(8).setTargetModules(List.of("q_proj")).build());

        List<DeadLetter> letters = await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.readAll(
                platform.bootstrapServers(), platform.schemaRegistryUrl(), Topics.DEAD_LETTER.name(), DeadLetter.class,
                d -> d.getPolicyId().equals(policy)), l -> !l.isEmpty());
        assertThat(letters.get(0).getReason()).contains("step-0001").contains("expected TRAINED");
        assertThat(letters.get(0).getSourceTopic()).isEqualTo(Topics.EXPORT_RESULTS.name());
        assertThat(get(catalog, "/policies/" + policy).body()).isEqualTo(before.toString());
    }

    @Test
    void shouldRebuildIdenticalStoresFromTheChangelogsAfterARestart() throws Exception {
        RunningCatalog first = catalogs.start("a");
        List<String> policies = List.of("it-replay-1-" + appId, "it-replay-2-" + appId, "it-replay-3-" + appId);
        for (String p : policies) {
            events.policy(p);
            events.revision(p, 1, 0.4);
            events.revision(p, 2, 0.6);
        }
        for (String p : policies) {
            awaitEntry(first, p, e -> "step-0002".equals(text(e, "serving_revision")));
        }
        Map<String, String> before = digests(first.streams());
        catalogs.stop(first);

        RunningCatalog second = catalogs.start("b"); // same application id, empty state directory: restored from changelogs
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> digests(second.streams()).equals(before));
        assertThat(digests(second.streams())).isEqualTo(before);
        assertThat(before.get(CatalogStores.HISTORY)).isNotEqualTo(StoreDigest.of(
                java.util.Collections.<KeyValue<String, CatalogEntry>>emptyIterator(), StoreDigest::avroBytes));
        assertThat(before.get(CatalogStores.ENTRIES)).isNotEqualTo(StoreDigest.of(
                java.util.Collections.<KeyValue<String, CatalogEntry>>emptyIterator(), StoreDigest::avroBytes));
    }

    @Test
    void shouldAnswerAQueryForAKeyThatTheOtherInstanceOwns() throws Exception {
        RunningCatalog one = catalogs.start("one");
        RunningCatalog two = catalogs.start("two");
        await().atMost(Duration.ofSeconds(120)).until(() -> one.streams().state() == KafkaStreams.State.RUNNING
                && two.streams().state() == KafkaStreams.State.RUNNING
                && one.streams().metadataForAllStreamsClients().size() == 2
                // both own partitions: a member the assignor has given only warm-up tasks owns no keys yet
                && one.streams().metadataForAllStreamsClients().stream().allMatch(m -> !m.topicPartitions().isEmpty()));
        List<String> policies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String p = "it-shard-" + i + "-" + appId;
            policies.add(p);
            events.policy(p);
        }
        int foreign = 0;
        for (String p : policies) {
            KeyQueryMetadata owner = one.streams().queryMetadataForKey(CatalogStores.ENTRIES, p, new StringSerializer());
            boolean ownedByTwo = owner.activeHost().port() == two.http().port();
            foreign += ownedByTwo ? 1 : 0;
            JsonNode viaOne = awaitEntry(one, p, e -> true);
            JsonNode viaTwo = awaitEntry(two, p, e -> true);
            assertThat(text(viaOne, "policy_id")).isEqualTo(p);
            assertThat(viaOne).isEqualTo(viaTwo);
        }
        assertThat(foreign).as("some keys live on the other instance").isBetween(1, policies.size() - 1);
    }

    // ---- helpers ----

    private JsonNode awaitEntry(RunningCatalog catalog, String policy, java.util.function.Predicate<JsonNode> ok) {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> {
                    HttpResponse<String> r = get(catalog, "/policies/" + policy);
                    return r.statusCode() == 200 ? json.readTree(r.body()) : null;
                }, e -> e != null && ok.test(e));
    }

    private HttpResponse<String> get(RunningCatalog catalog, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(catalog.queryUrl() + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A digest of every store of the instance, over all its partitions, in key order. */
    private static Map<String, String> digests(KafkaStreams streams) {
        Map<String, String> out = new TreeMap<>();
        out.put(CatalogStores.ENTRIES, digest(streams, CatalogStores.ENTRIES,
                (CatalogEntry e) -> StoreDigest.avroBytes(e)));
        out.put(CatalogStores.RECENT_EVENT_IDS, digest(streams, CatalogStores.RECENT_EVENT_IDS,
                (RecentEventIds ids) -> RecentEventIds.serde().serializer().serialize("", ids)));
        out.put(CatalogStores.REVISIONS, digest(streams, CatalogStores.REVISIONS,
                (ai.mint.events.CatalogRevision r) -> StoreDigest.avroBytes(r)));
        out.put(CatalogStores.HISTORY, digest(streams, CatalogStores.HISTORY,
                (ai.mint.events.PointerMoved m) -> StoreDigest.avroBytes(m)));
        out.put(CatalogStores.EXPIRIES, digest(streams, CatalogStores.EXPIRIES,
                (String v) -> v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return out;
    }

    private static <V> String digest(KafkaStreams streams, String store, Function<V, byte[]> bytes) {
        ReadOnlyKeyValueStore<String, V> kv = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()));
        TreeMap<String, V> sorted = new TreeMap<>();
        try (var it = kv.all()) {
            it.forEachRemaining(e -> sorted.put(e.key, e.value));
        }
        return StoreDigest.of(sorted.entrySet().stream().map(e -> KeyValue.pair(e.getKey(), e.getValue())).iterator(),
                bytes);
    }
}
