package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.catalog.CatalogStores;
import ai.mint.catalog.RunningCatalog;
import ai.mint.client.bulk.PolicyImporter;
import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.catalog.lookup.Page;
import ai.mint.events.CatalogEntry;
import ai.mint.it.SharedPlatform;
import ai.mint.it.TestFiles;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catalog at scale on the real broker and registry: policies registered in bulk are listed exactly once, in
 * order, by cursor paging across two instances that own different partitions; a lookup-based view (what a worker
 * will use) answers for a policy registered after it started and sees a pointer move through the catalog topic.
 */
@ExtendWith(SharedPlatform.class)
class CatalogScaleIT {

    /** The time within which a pointer move must reach a lookup that follows the catalog topics. */
    private static final Duration POINTER_MOVE_BOUND = Duration.ofSeconds(10);

    private CatalogInstances catalogs;
    private EmbeddedPlatform platform;
    private Path dir;
    private String appId;
    private String prefix;

    @BeforeEach
    void setUp(EmbeddedPlatform platform) throws Exception {
        this.platform = platform;
        this.dir = Files.createTempDirectory("mint-catalog-scale-it-");
        this.appId = "it-scale-" + UUID.randomUUID().toString().substring(0, 8);
        this.catalogs = new CatalogInstances(platform, appId, dir);
        this.prefix = appId + "-p";
    }

    @AfterEach
    void tearDown() throws Exception {
        catalogs.close();
        TestFiles.deleteTree(dir);
    }

    @Test
    void shouldListEveryPolicyExactlyOnceInOrderAcrossTwoInstances() throws Exception {
        RunningCatalog one = catalogs.start("one");
        RunningCatalog two = catalogs.start("two");
        await().atMost(Duration.ofSeconds(120)).until(() -> one.streams().state() == KafkaStreams.State.RUNNING
                && two.streams().state() == KafkaStreams.State.RUNNING
                && one.streams().metadataForAllStreamsClients().size() == 2);
        List<String> ids = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            String id = prefix + String.format("%03d", i);
            ids.add(id);
            lines.append("{\"policy_id\":\"").append(id).append("\",\"base_model\":\"tiny\",\"lora\":{\"rank\":1,")
                    .append("\"alpha\":2.0,\"target_modules\":[\"q_proj\"]},\"reward_spec\":\"{}\",\"labels\":")
                    .append("{\"tenant\":\"").append(i % 3 == 0 ? "acme" : "globex").append("\",\"run\":\"")
                    .append(appId).append("\"}}\n");
        }
        PolicyImporter.Summary summary = importLines(lines.toString());
        assertThat(summary.sent()).isEqualTo(60);

        PolicyFilter mine = new PolicyFilter(Map.of("run", appId), null, null);
        try (CatalogLookup viaOne = CatalogLookup.builder(one.queryUrl()).build();
             CatalogLookup viaTwo = CatalogLookup.builder(two.queryUrl()).build()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> viaOne.count(mine) == 60);
            List<String> listed = new ArrayList<>();
            String cursor = null;
            int round = 0;
            do {
                Page<PolicySummary> page = (round++ % 2 == 0 ? viaOne : viaTwo).policies(mine, cursor, 7);
                page.items().forEach(p -> listed.add(p.policyId()));
                cursor = page.nextCursor();
            } while (cursor != null);
            assertThat(listed).isEqualTo(ids);
            assertThat(viaTwo.count(new PolicyFilter(Map.of("run", appId, "tenant", "acme"), null, null))).isEqualTo(20);
        }
        int foreign = 0;
        for (String id : ids) {
            KeyQueryMetadata owner = one.streams().queryMetadataForKey(CatalogStores.ENTRIES, id, new StringSerializer());
            foreign += owner.activeHost().port() == two.http().port() ? 1 : 0;
        }
        assertThat(foreign).as("the instances own different partitions").isBetween(1, ids.size() - 1);
    }

    @Test
    void shouldAnswerForAPolicyRegisteredAfterItStartedAndSeeItsPointerMove() throws Exception {
        RunningCatalog catalog = catalogs.start("a");
        try (CatalogEvents events = new CatalogEvents(platform.bootstrapServers(), platform.schemaRegistryUrl());
             CatalogLookup lookup = CatalogLookup.builder(catalog.queryUrl())
                     .followChanges(platform.bootstrapServers(), platform.schemaRegistryUrl()).build()) {
            String policy = prefix + "-late";
            assertThat(lookup.entry(policy)).isEmpty();

            events.policy(policy); // registered after the lookup started
            Optional<CatalogEntry> found = lookup.awaitEntry(policy, Duration.ofSeconds(60));
            assertThat(found).isPresent();
            assertThat(found.get().getServingRevision()).isNull();

            long moved = System.nanoTime();
            events.revision(policy, 1, 0.5); // passes the gate: the pointer moves to step-0001
            await().atMost(POINTER_MOVE_BOUND).pollInterval(Duration.ofMillis(20))
                    .until(() -> "step-0001".equals(lookup.servingRevision(policy).orElse(null)));
            Duration took = Duration.ofNanos(System.nanoTime() - moved);
            // the cache answered; the change came from the catalog topic, not from a reload
            assertThat(lookup.entryStats().updates()).isPositive();
            assertThat(lookup.revision(policy, "step-0001").orElseThrow().getServed()).isTrue();
            System.out.println("pointer move reached the lookup in " + took.toMillis() + " ms");
        }
    }

    private PolicyImporter.Summary importLines(String lines) {
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(),
                new AvroEventSerializer<>(SchemaRegistryClients.fromUrl(platform.schemaRegistryUrl())))) {
            return new PolicyImporter(producer, Topics.POLICY_SPECS.name(), new PrintStream(System.err))
                    .run(new BufferedReader(new StringReader(lines)), (l, c, s) -> { });
        }
    }

}
