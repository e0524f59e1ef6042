package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.ExportResult;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.it.SharedPlatform;
import ai.mint.platform.ConnectRest;
import ai.mint.platform.ConnectWorkerProcess;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The adapter-import connector in a real Connect worker against the real catalog and a worker serving the micro
 * base: 1,000 PEFT adapters written by the engine become 1,000 policies whose imported revision serves (every one is
 * sampled, and answers from that revision); an adapter made for another base and a truncated one are refused on the
 * dead-letter topic with the reason; after a worker restart only adapters added since are imported.
 */
@ExtendWith(SharedPlatform.class)
class ConnectAdapterImportIT {

    private static final int ADAPTERS = 1000;
    private static final String CONNECTOR = "adapter-import-it";
    private static final Duration START = Duration.ofSeconds(90);

    private LifecycleHarness harness;
    private ConnectWorkerProcess connect;
    private Path tree;
    private String prefix;

    @BeforeEach
    void start(EmbeddedPlatform platform) throws IOException {
        harness = new LifecycleHarness(platform);
        tree = Files.createDirectories(harness.dir.resolve("adapters"));
        prefix = "imp-" + harness.runId + ".";
    }

    @AfterEach
    void stop() throws IOException {
        if (connect != null) {
            connect.close();
        }
        harness.close();
    }

    @Test
    void shouldImportAThousandAdaptersThatServeRefuseMisfitsAndNotImportAgainAfterARestart(EmbeddedPlatform platform)
            throws Exception {
        ModelConfig micro = TestModels.microDense();
        for (int i = 0; i < ADAPTERS; i++) {
            writeAdapter(tree.resolve(String.format("team-%d/a%04d", i % 4, i)), micro, i);
        }
        writeAdapter(tree.resolve("misfit/wider-base"), widerMicro(), 7);
        Path truncated = tree.resolve("misfit/truncated");
        writeAdapter(truncated, micro, 8);
        Path weights = truncated.resolve(PeftAdapterIo.WEIGHTS);
        Files.write(weights, java.util.Arrays.copyOf(Files.readAllBytes(weights), 100));

        ConnectWorkerProcess.Settings settings = new ConnectWorkerProcess.Settings(harness.dir.resolve("connect"),
                "it-import-" + harness.runId, 0, Map.of("offset.flush.interval.ms", "1000"));
        connect = ConnectWorkerProcess.start(platform.connection(), settings, START);
        ConnectRest rest = new ConnectRest(connect.url());
        rest.deploy(CONNECTOR, Map.of("connector.class", "ai.mint.connect.adapters.AdapterImportSourceConnector",
                "tasks.max", "1", "adapter.dir", tree.toString(), "adapter.base.dir", harness.baseDir.toString(),
                "adapter.store.root", harness.storeRoot.toString(), "adapter.policy.prefix", prefix,
                "catalog.url", harness.catalog.queryUrl(), "poll.interval.ms", "500"));
        rest.awaitRunning(CONNECTOR, 1, START);

        List<CatalogEntry> serving = awaitServing(ADAPTERS);
        assertThat(serving).allSatisfy(e -> {
            assertThat(e.getSpec().getBaseModel()).isEqualTo(LifecycleHarness.BASE);
            assertThat(e.getRevisions()).singleElement().satisfies(r -> {
                assertThat(r.getAdapterUri()).startsWith("mint://" + e.getPolicyId() + "/sampler/");
                assertThat(r.getSha256()).hasSize(64);
            });
        });
        List<DeadLetter> refused = await().atMost(Duration.ofSeconds(30)).until(() -> refusals(platform),
                l -> l.size() == 2);
        assertThat(refused).extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).startsWith("adapter misfit/wider-base refused: does not fit the base")
                        .contains("q_proj"))
                .anySatisfy(r -> assertThat(r).startsWith("adapter misfit/truncated refused:").contains("truncated"));

        // every imported policy serves its imported revision, through the worker's verified load of the stored copy
        SamplingParams one = SamplingParams.newBuilder().setMaxTokens(1).setTemperature(0).build();
        for (int from = 0; from < serving.size(); from += 100) {
            List<CompletableFuture<InferenceResponse>> answers = new ArrayList<>();
            for (CatalogEntry e : serving.subList(from, Math.min(serving.size(), from + 100))) {
                answers.add(harness.client.sample(e.getPolicyId(), "ab", one, null));
            }
            for (CompletableFuture<InferenceResponse> answer : answers) {
                InferenceResponse response = answer.get(120, TimeUnit.SECONDS);
                assertThat(response.getError()).isNull();
                assertThat(response.getRevision()).isEqualTo("imported");
            }
        }

        connect.close();
        for (int i = ADAPTERS; i < ADAPTERS + 5; i++) {
            writeAdapter(tree.resolve("late/a" + i), micro, i);
        }
        connect = ConnectWorkerProcess.start(platform.connection(), settings, START);
        new ConnectRest(connect.url()).awaitRunning(CONNECTOR, 1, START);
        awaitServing(ADAPTERS + 5);
        List<ExportResult> exports = TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topics.EXPORT_RESULTS.name(), ExportResult.class, x -> x.getPolicyId().startsWith(prefix));
        assertThat(exports).hasSize(ADAPTERS + 5);
        assertThat(refusals(platform)).hasSize(2);
    }

    private List<CatalogEntry> awaitServing(int count) {
        try {
            return await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).until(
                    () -> imported().stream().filter(e -> "imported".equals(e.getServingRevision())).toList(),
                    l -> l.size() == count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // say where the rest stand instead of printing a thousand entries
            Map<String, Long> states = imported().stream().collect(java.util.stream.Collectors.groupingBy(
                    x -> x.getRevisions().isEmpty() ? "no revision" : x.getRevisions().get(0).getState().toString(),
                    java.util.stream.Collectors.counting()));
            List<String> reasons = TopicReader.readAll(harness.platform.bootstrapServers(),
                    harness.platform.schemaRegistryUrl(), Topics.DEAD_LETTER.name(), DeadLetter.class,
                    d -> d.getPolicyId().startsWith(prefix)).stream().map(DeadLetter::getReason).limit(5).toList();
            String status = new ConnectRest(connect.url()).status(CONNECTOR).toString() + "; catalog app "
                    + harness.catalog.streams().state() + ", its input lag " + catalogLag();
            throw new AssertionError(count + " policies were to serve; the catalog holds " + imported().size()
                    + " imported policies by state " + states + "; dead letters: " + reasons + "; connector: "
                    + status.substring(0, Math.min(status.length(), 3000)));
        }
    }

    /** Per input partition of the catalog app: records not yet committed by it (end offset minus committed). */
    private Map<String, Long> catalogLag() {
        Map<String, Long> lag = new java.util.TreeMap<>();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                harness.platform.bootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets("it-catalog-" + harness.runId).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            List<String> topics = List.of(Topics.POLICY_SPECS.name(), Topics.UPDATE_RESULTS.name(),
                    Topics.EXPORT_RESULTS.name(), Topics.SERVE_REQUESTS.name());
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            for (String t : topics) {
                for (int p = 0; p < 3; p++) {
                    latest.put(new org.apache.kafka.common.TopicPartition(t, p),
                            org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
            }
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, end) -> {
                var c = committed.get(tp);
                lag.put(tp.toString(), end.offset() - (c == null ? 0 : c.offset()));
            });
        } catch (Exception e) {
            lag.put("unknown: " + e, -1L);
        }
        return lag;
    }

    private List<CatalogEntry> imported() {
        return harness.client.listPolicies().stream().filter(e -> e.getPolicyId().startsWith(prefix)).toList();
    }

    private List<DeadLetter> refusals(EmbeddedPlatform platform) {
        return TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topics.DEAD_LETTER.name(), DeadLetter.class, d -> d.getApp().equals("mint-connect adapter-import")
                        && d.getReason().contains(" misfit/"));
    }

    private static void writeAdapter(Path dir, ModelConfig model, long seed) {
        PeftAdapterIo.write(dir, LoraWeights.random(model, EnumSet.of(Projection.Q, Projection.V), 4, 8f, seed, true),
                model);
    }

    /** The micro model with hidden 48 instead of 32: its q_proj factors do not fit the micro base. */
    private static ModelConfig widerMicro() {
        ModelConfig m = TestModels.microDense();
        return new ModelConfig("qwen2", m.vocabSize(), 48, 64, 2, 4, 2, 8, 1e-6, 10000.0, 512, false, true, 0, 0, 0, 0,
                false, m.bosTokenId(), m.eosTokenId());
    }
}
