package ai.mint.scheduling;

import ai.mint.events.AdapterState;
import ai.mint.events.AdapterTier;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.LoraSpec;
import ai.mint.events.PackDone;
import ai.mint.events.PolicySpec;
import ai.mint.events.ResidentAdapter;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.SamplingParams;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkerStatus;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The scheduler topology under TopologyTestDriver, with in-memory stores, a fresh in-process registry and a wall
 * clock the test moves: typed inputs (requests, catalog entries, pack-done reports, heartbeats) and readers of each
 * worker's work topic, the responses and the dead letters.
 */
final class SchedulerDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final int WINDOW_MS = 5;
    static final int HEARTBEAT_TIMEOUT_MS = 3_000;
    static final int MAX_WAIT_MS = 20_000;

    final SchedulerTopics topics = SchedulerTopics.defaults();
    final TopologyTestDriver driver;
    private final String registryUrl = "mock://scheduler-test-" + UUID.randomUUID();
    private final SchemaRegistryClient registry = SchemaRegistryClients.fromUrl(registryUrl);
    private final AvroEventSerializer<SpecificRecord> values = new AvroEventSerializer<>(registry);
    private long nowMs = START.toEpochMilli();
    private int requestCount;
    /** Reply topics that are gone (their clients closed); every other one exists. */
    final Set<String> goneReplyTopics = ConcurrentHashMap.newKeySet();
    /** How often the scheduler asked which reply topics exist. */
    final AtomicInteger replyTopicLookups = new AtomicInteger();

    SchedulerDriver(Path stateDir, boolean prefetch) {
        this(stateDir, prefetch, WINDOW_MS); // the window tests: a group waits its whole window
    }

    SchedulerDriver(Path stateDir, boolean prefetch, int quietMs) {
        SchedulerConfig config = new SchedulerConfig(Map.of(
                SchedulerConfig.REGISTRY_URL, registryUrl,
                SchedulerConfig.BOOTSTRAP_SERVERS, "unused:9092",
                SchedulerConfig.STATE_DIR, stateDir.toString(),
                SchedulerConfig.PERSISTENT_STORES, false,
                SchedulerConfig.PACK_WINDOW_MS, WINDOW_MS,
                SchedulerConfig.PACK_QUIET_MS, quietMs,
                SchedulerConfig.PACK_MAX_REQUESTS, 4,
                SchedulerConfig.HEARTBEAT_TIMEOUT_MS, HEARTBEAT_TIMEOUT_MS,
                SchedulerConfig.REQUEST_MAX_WAIT_MS, MAX_WAIT_MS,
                SchedulerConfig.PREFETCH, prefetch));
        driver = new TopologyTestDriver(SchedulerApp.buildTopology(topics, registry, "mint-scheduler-test", false,
                config.budgets(1), config.tick, config.doneRetention, () -> named -> {
                    replyTopicLookups.incrementAndGet();
                    return named.stream().filter(t -> !goneReplyTopics.contains(t)).collect(Collectors.toSet());
                }), SchedulerApp.streamsConfig(config),
                START);
    }

    long now() {
        return nowMs;
    }

    /** Moves the wall clock (punctuations run) by {@code ms}. */
    void advance(long ms) {
        nowMs += ms;
        driver.advanceWallClockTime(Duration.ofMillis(ms));
    }

    void pipe(String topic, String key, SpecificRecord event) {
        pipeRaw(topic, key, values.serialize(topic, event));
    }

    void pipeRaw(String topic, String key, byte[] value) {
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(key, value, Instant.ofEpochMilli(nowMs));
    }

    /** A heartbeat of a worker that takes packs, holding {@code deviceAdapters} (POLICY@REVISION) on its device. */
    void heartbeat(String workerId, String instance, int queueCapacity, String... deviceAdapters) {
        List<ResidentAdapter> resident = new ArrayList<>();
        for (String id : deviceAdapters) {
            int at = id.indexOf('@');
            resident.add(ResidentAdapter.newBuilder().setPolicyId(id.substring(0, at)).setRevision(id.substring(at + 1))
                    .setBytes(1_000).setRank(4).setTier(AdapterTier.DEVICE).setLastUsedMs(nowMs)
                    .setState(AdapterState.READY).build());
        }
        pipe(topics.workerStatus(), workerId, WorkerStatus.newBuilder().setEventId(UUID.randomUUID().toString())
                .setPolicyId("").setTime(Instant.ofEpochMilli(nowMs)).setWorkerId(workerId)
                .setRoles(List.of("inference")).setBaseModel("micro").setDevice("cpu").setResidentAdapters(resident)
                .setCapacityBytes(1L << 20).setUsedBytes(0).setQueueDepth(0).setLoad(0).setInstanceId(instance)
                .setWorkTopic(Topics.workTopic(workerId).name()).setQueueCapacity(queueCapacity).build());
    }

    /** A catalog entry for {@code policy} serving {@code serving}, with every named revision exported. */
    void catalog(String policy, String serving, String... revisions) {
        catalogAt(0, policy, serving, revisions);
    }

    /** {@link #catalog} as entry version {@code version}. */
    void catalogAt(long version, String policy, String serving, String... revisions) {
        List<RevisionInfo> infos = new ArrayList<>();
        for (String r : revisions) {
            infos.add(RevisionInfo.newBuilder().setRevision(r).setStep(1).setRank(4)
                    .setAdapterUri("file:///store/" + policy + "/" + r).setSha256("sha-" + r).setBytes(1_000L)
                    .setState(RevisionState.SERVING).setEvalScores(Map.of()).setCreatedAt(START)
                    .setProducedBy("t").build());
        }
        PolicySpec spec = PolicySpec.newBuilder().setEventId("s-" + policy).setPolicyId(policy).setTime(START)
                .setBaseModel("micro").setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8)
                        .setTargetModules(List.of()).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"a\"}").build();
        pipe(topics.catalog(), policy, CatalogEntry.newBuilder().setEventId("c-" + policy + "-" + serving)
                .setPolicyId(policy).setTime(START).setSpec(spec).setRevisions(infos).setServingRevision(serving)
                .setHistory(new ArrayList<>()).setUpdatedAt(START).setVersion(version).build());
    }

    /** Publishes a request; returns its id. */
    String request(String policy) {
        return request(policy, "req-" + ++requestCount, null);
    }

    String request(String policy, String requestId, String replyTopic) {
        return request(policy, requestId, replyTopic, null);
    }

    /** A request whose sender has seen entry version {@code seenVersion} of the policy. */
    String requestSeen(String policy, long seenVersion) {
        return request(policy, "req-" + ++requestCount, null, seenVersion);
    }

    private String request(String policy, String requestId, String replyTopic, Long seenVersion) {
        return requestOn(topics.requests(), policy, requestId, replyTopic, seenVersion);
    }

    /** A request published on {@code topic} (a tenant's requests topic, say). */
    String requestOn(String topic, String policy, String requestId, String replyTopic, Long seenVersion) {
        pipe(topic, policy, InferenceRequest.newBuilder().setEventId("evt-" + requestId)
                .setPolicyId(policy).setTime(Instant.ofEpochMilli(nowMs)).setRequestId(requestId).setPrompt("hi")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(4).setTemperature(0).build())
                .setReplyTopic(replyTopic).setMinEntryVersion(seenVersion).build());
        return requestId;
    }

    void done(WorkItem pack, List<String> requestIds) {
        pipe(topics.workDone(), pack.getPolicyId(), PackDone.newBuilder().setEventId("done-" + pack.getPackId())
                .setPolicyId(pack.getPolicyId()).setTime(Instant.ofEpochMilli(nowMs)).setPackId(pack.getPackId())
                .setWorkerId(pack.getWorkerId()).setWorkerInstance(pack.getWorkerInstance())
                .setRequestIds(requestIds).build());
    }

    /** What was sent to a worker's work topic since the last call. */
    List<WorkItem> work(String workerId) {
        return read(Topics.workTopic(workerId).name(), WorkItem.class);
    }

    List<InferenceResponse> responses(String topic) {
        return read(topic, InferenceResponse.class);
    }

    List<DeadLetter> deadLetters() {
        return read(topics.deadLetter(), DeadLetter.class);
    }

    private <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new AvroEventDeserializer<T>(registry, type))
                .readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        SchemaRegistryClients.dropMock(registryUrl);
    }
}
