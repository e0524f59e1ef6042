package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.AdapterTier;
import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.LoraSpec;
import ai.mint.events.PackDone;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.SamplingParams;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkKind;
import ai.mint.events.WorkerStatus;
import ai.mint.registry.InMemorySchemaRegistry;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import ai.mint.worker.store.FilesystemAdapterStore;
import ai.mint.worker.store.StoredArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's pack intake on a real micro model and store, without Kafka: work items go through the router, packs
 * are answered by the runner on its own thread, answers and pack-done reports land on a mock producer; the heartbeat
 * reports what the engine holds.
 */
class PackIntakeTest {

    static final String BASE = "micro";
    static final String RUN = "run-1";
    static final String TOPIC = Topics.workTopic("w").name();
    static final int RANK = 4;

    @TempDir
    Path tmp;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroEventSerializer<SpecificRecord> serializer = new AvroEventSerializer<>(registry);
    private final List<WorkItem> loads = new CopyOnWriteArrayList<>();
    private MockProducer<String, SpecificRecord> published;
    private ModelRuntime runtime;
    private WorkContext ctx;
    private WorkerOutputs outputs;
    private PackRunner runner;
    private WorkItemRouter router;
    private LoraWeights weights;
    private WorkerConfig config;

    @BeforeEach
    void setUp() throws Exception {
        Path baseDir = tmp.resolve(BASE);
        ModelConfig model = TestModels.microDense();
        BaseModelInitializer.write(baseDir, model, 3L, DType.F32);
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("store"));
        Path adapter = Files.createDirectories(tmp.resolve("rev-a"));
        weights = LoraWeights.random(model, EnumSet.of(Projection.Q, Projection.V), RANK, 8f, 1L, true);
        PeftAdapterIo.write(adapter, weights, model);
        StoredArtifact stored = store.put("p", "sampler", "rev-a", adapter);
        runtime = ModelRuntime.open(baseDir, "cpu", store, BASE);
        CatalogFollower catalog = new CatalogFollower(KafkaClients.of(PlatformConnection.of("127.0.0.1:1",
                "mock://pack-intake-test")), registry, "pack-intake-test", RetryPolicy.DEFAULT); // never started
        catalog.accept(entry(RevisionInfo.newBuilder().setRevision("rev-a").setStep(1).setRank(RANK)
                .setAdapterUri(stored.uri()).setSha256(stored.sha256()).setBytes(stored.bytes())
                .setState(RevisionState.SERVING).setEvalScores(Map.of()).setCreatedAt(Instant.EPOCH)
                .setProducedBy("t").build()));
        ctx = new WorkContext("w", runtime, catalog, Duration.ofMillis(10));
        published = new MockProducer<>(true, null, new StringSerializer(), serializer);
        outputs = new WorkerOutputs(published, "w", 1024);
        InferenceProcessor inference = new InferenceProcessor(outputs, registry, RetryPolicy.DEFAULT,
                new InferenceHandler(ctx));
        runner = new PackRunner(inference, outputs, "w", RUN, Duration.ofMillis(50)).start();
        router = new WorkItemRouter(registry, RetryPolicy.DEFAULT, outputs, "w", RUN, runner, loads::add);
        config = new WorkerConfig(Map.of(WorkerConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                WorkerConfig.REGISTRY_URL, "mock://pack-intake-test", WorkerConfig.WORKER_ID, "w",
                WorkerConfig.BASE_DIR, baseDir.toString(), WorkerConfig.STORE_ROOT, tmp.resolve("store").toString()));
    }

    @AfterEach
    void tearDown() {
        runner.close();
        ctx.close();
        runtime.close();
    }

    @Test
    void shouldAnswerEveryRequestOfAPackBeforeReportingThePackDone() {
        assertThat(router.take(record(0, item("pack-1", WorkKind.PACK, RUN, "q1", "q2")))).isTrue();

        await().atMost(Duration.ofSeconds(60)).until(() -> !events(PackDone.class).isEmpty());

        List<ProducerRecord<String, SpecificRecord>> history = published.history();
        int reported = indexOf(history, PackDone.class);
        List<String> answeredBefore = history.subList(0, reported).stream().map(ProducerRecord::value)
                .filter(InferenceResponse.class::isInstance).map(v -> ((InferenceResponse) v).getRequestId()).toList();
        assertThat(answeredBefore).containsExactlyInAnyOrder("q1", "q2");
        assertThat(events(InferenceResponse.class)).allSatisfy(r -> {
            assertThat(r.getError()).isNull();
            assertThat(r.getRevision()).isEqualTo("rev-a");
        });
        PackDone done = events(PackDone.class).get(0);
        assertThat(done.getPackId()).isEqualTo("pack-1");
        assertThat(done.getWorkerInstance()).isEqualTo(RUN);
        assertThat(done.getRequestIds()).containsExactly("q1", "q2");
        assertThat(runner.queueDepth()).isZero();
    }

    /** Packs share the continuous batch: a short pack that comes after a long one is answered and reported first. */
    @Test
    void shouldReportAShortPackDoneBeforeALongPackThatCameFirst() {
        WorkItem longPack = WorkItem.newBuilder(item("pack-long", WorkKind.PACK, RUN))
                .setRequests(List.of(request("q-long", 200))).build();
        WorkItem shortPack = WorkItem.newBuilder(item("pack-short", WorkKind.PACK, RUN))
                .setRequests(List.of(request("q-short", 2))).build();

        router.take(record(0, longPack));
        router.take(record(1, shortPack));
        await().atMost(Duration.ofSeconds(120)).until(() -> events(PackDone.class).size() == 2);

        assertThat(events(PackDone.class)).extracting(PackDone::getPackId)
                .containsExactly("pack-short", "pack-long");
        assertThat(events(InferenceResponse.class)).filteredOn(r -> r.getRequestId().equals("q-long"))
                .singleElement().satisfies(r -> assertThat(r.getCompletionTokens()).hasSizeGreaterThan(50));
    }

    @Test
    void shouldAnswerAPackWithAnUnknownRevisionWithErrorsAndStillReportItDone() {
        WorkItem pack = WorkItem.newBuilder(item("pack-2", WorkKind.PACK, RUN, "q3")).setRevision("rev-zz")
                .setRequests(List.of(InferenceRequest.newBuilder(request("q3")).setRevision("rev-zz").build()))
                .build();

        router.take(record(0, pack));
        await().atMost(Duration.ofSeconds(60)).until(() -> !events(PackDone.class).isEmpty());

        assertThat(events(InferenceResponse.class)).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo("q3");
            assertThat(r.getError()).contains("no revision 'rev-zz'");
        });
        assertThat(events(PackDone.class).get(0).getRequestIds()).containsExactly("q3");
    }

    @Test
    void shouldDropItemsAddressedToAnEarlierRunOfThisWorker() throws Exception {
        router.take(record(0, item("pack-old", WorkKind.PACK, "run-0", "q4")));
        router.take(record(1, item("pack-old", WorkKind.LOAD, "run-0")));
        Thread.sleep(300); // the runner polls every 100 ms: give it time to (wrongly) answer

        assertThat(published.history()).isEmpty();
        assertThat(loads).isEmpty();
        assertThat(runner.queueDepth()).isZero();
    }

    @Test
    void shouldHandALoadToThePrefetchNotToTheRunner() {
        router.take(record(0, item("pack-5", WorkKind.LOAD, RUN)));

        assertThat(loads).singleElement().extracting(WorkItem::getRevision).isEqualTo("rev-a");
        assertThat(runner.queueDepth()).isZero();
    }

    @Test
    void shouldReportTheEnginesTrueResidencyInTheHeartbeat() throws Exception {
        runtime.prefetch("p", "rev-a", null, null, () -> true).get();
        Heartbeat heartbeat = new Heartbeat(outputs, config, runtime, runner::queueDepth,
                new Heartbeat.Intake(RUN, TOPIC, 48));

        WorkerStatus status = heartbeat.status(false);

        assertThat(status.getResidentAdapters()).singleElement().satisfies(a -> {
            assertThat(a.getPolicyId()).isEqualTo("p");
            assertThat(a.getRevision()).isEqualTo("rev-a");
            assertThat(a.getTier()).isEqualTo(AdapterTier.DEVICE);
            assertThat(a.getRank()).isEqualTo(RANK);
            // the weights' own size (what they take on the device), not a share of a total
            assertThat(a.getBytes()).isEqualTo(weights.byteSize());
            assertThat(a.getLastUsedMs()).isPositive();
        });
        assertThat(status.getUsedBytes()).isEqualTo(weights.byteSize());
        assertThat(status.getCapacityBytes()).isEqualTo(config.engine.adapterBudgetBytes());
        assertThat(status.getCpuUsedBytes()).isEqualTo(weights.byteSize());
        assertThat(status.getInstanceId()).isEqualTo(RUN);
        assertThat(status.getWorkTopic()).isEqualTo(TOPIC);
        assertThat(status.getQueueCapacity()).isEqualTo(48);
        assertThat(status.getLeaving()).isFalse();
        assertThat(heartbeat.status(true).getLeaving()).isTrue();
    }

    private WorkItem item(String packId, WorkKind kind, String instance, String... requestIds) {
        List<InferenceRequest> requests = new ArrayList<>();
        for (String id : requestIds) {
            requests.add(request(id));
        }
        return WorkItem.newBuilder().setEventId("e-" + packId + kind).setPolicyId("p").setTime(Instant.EPOCH)
                .setPackId(packId).setKind(kind).setWorkerId("w").setWorkerInstance(instance).setRevision("rev-a")
                .setRequests(requests).setProducedBy("test").build();
    }

    private static InferenceRequest request(String id) {
        return request(id, 3);
    }

    private static InferenceRequest request(String id, int maxTokens) {
        return InferenceRequest.newBuilder().setEventId("evt-" + id).setPolicyId("p").setTime(Instant.EPOCH)
                .setRequestId(id).setRevision("rev-a").setPrompt("hello")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(maxTokens).setTemperature(0).build()).build();
    }

    private ConsumerRecord<String, byte[]> record(long offset, WorkItem item) {
        return new ConsumerRecord<>(TOPIC, 0, offset, item.getPolicyId(), serializer.serialize(TOPIC, item));
    }

    private <T> List<T> events(Class<T> type) {
        return published.history().stream().map(ProducerRecord::value).filter(type::isInstance).map(type::cast)
                .toList();
    }

    private static int indexOf(List<ProducerRecord<String, SpecificRecord>> history, Class<?> type) {
        for (int i = 0; i < history.size(); i++) {
            if (type.isInstance(history.get(i).value())) {
                return i;
            }
        }
        return -1;
    }

    private static CatalogEntry entry(RevisionInfo revision) {
        PolicySpec spec = PolicySpec.newBuilder().setEventId("s").setPolicyId("p").setTime(Instant.EPOCH)
                .setBaseModel(BASE).setLora(LoraSpec.newBuilder().setRank(RANK).setAlpha(8).setTargetModules(List.of())
                        .build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"a\"}").build();
        return CatalogEntry.newBuilder().setEventId("e").setPolicyId("p").setTime(Instant.EPOCH).setSpec(spec)
                .setRevisions(new ArrayList<>(List.of(revision))).setServingRevision("rev-a")
                .setHistory(new ArrayList<>()).setUpdatedAt(Instant.EPOCH).build();
    }
}
