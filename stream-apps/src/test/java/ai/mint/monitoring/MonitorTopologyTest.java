package ai.mint.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.mint.common.decode.DecodeResult;
import ai.mint.events.Alert;
import ai.mint.events.AlertKind;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceResponse;
import ai.mint.events.Metric;
import ai.mint.events.PolicySpec;
import ai.mint.events.PolicyView;
import ai.mint.events.RegressionGuard;
import ai.mint.events.RevisionInfo;
import ai.mint.events.WorkerStatus;
import ai.mint.events.WorkerView;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonitorTopologyTest {

    private static final long T0 = 1_700_000_000_000L; // a multiple of the 10 s window
    private static final long SIZE = MonitorConfig.WINDOW_SIZE_DEFAULT_MS;
    private static final long GRACE = MonitorConfig.WINDOW_GRACE_DEFAULT_MS;
    private static final String REPLIES = Topics.INFERENCE_REPLIES_PREFIX + "gateway-1";
    private static final int SILENT_WINDOWS = 3;

    private final MonitorTopics topics = MonitorTopics.defaults();
    private final String registryName = "monitor-test-" + UUID.randomUUID();
    private SchemaRegistryClient registry;
    private AvroEventSerializer<SpecificRecord> serializer;
    private TopologyTestDriver driver;
    private long wall = T0;

    @BeforeEach
    void start() {
        registry = SchemaRegistryClients.fromUrl("mock://" + registryName);
        serializer = new AvroEventSerializer<>(registry);
        startDriver(new AlertThresholds(null, null, null));
    }

    @AfterEach
    void stop() {
        driver.close();
        SchemaRegistryClients.dropMock(registryName);
    }

    private void startDriver(AlertThresholds thresholds) {
        if (driver != null) {
            driver.close();
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "monitor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(new WindowSettings(SIZE, GRACE, 100, 5_000, "reward", thresholds, SILENT_WINDOWS).asSettings());
        driver = new TopologyTestDriver(MonitorApp.buildTopology(topics, registry, "monitor", false, false, 3, 3),
                props, Instant.ofEpochMilli(T0));
        wall = T0;
    }

    /** One input event, as the test keeps it to compute the expected views on its own. */
    private record Input(String topic, String key, SpecificRecord event, long time) {
    }

    @Test
    void shouldAgreeWithCountsComputedFromTheRawEventsOverTheSameWindows() {
        Random random = new Random(42);
        List<Input> inputs = new ArrayList<>();
        for (String policy : List.of("alpha", "beta")) {
            for (int i = 0; i < 400; i++) {
                long time = T0 + random.nextInt((int) (2 * SIZE)); // two windows
                boolean failed = random.nextInt(10) == 0;
                long latency = failed ? 0 : (long) (5 + 200 * -Math.log(1 - random.nextDouble()));
                String topic = random.nextInt(3) == 0 ? REPLIES : topics.responses();
                inputs.add(new Input(topic, policy, response(policy, time, latency, failed, random.nextInt(40)), time));
                if (!failed && random.nextBoolean()) {
                    inputs.add(new Input(topics.metrics(), policy, metric(policy, "reward", time, random.nextDouble()),
                            time));
                }
            }
            for (int i = 0; i < 30; i++) {
                long time = T0 + random.nextInt((int) (2 * SIZE));
                inputs.add(new Input(topics.metrics(), policy, metric(policy, "latency.other", time, 99), time));
                String kind = List.of("UNDESERIALIZABLE", "KEY_MISMATCH", "STAGE_DEADLINE").get(random.nextInt(3));
                inputs.add(new Input(topics.deadLetter(), policy, deadLetter(policy, time, kind), time));
            }
        }
        inputs.add(new Input(topics.deadLetter(), "", deadLetter("", T0 + 3, "UNDESERIALIZABLE"), T0 + 3));
        inputs.sort(Comparator.comparingLong(Input::time));
        for (Input input : inputs) {
            pipeAt(input.topic(), input.key(), input.event(), input.time());
        }
        advanceWallTo(T0 + 2 * SIZE + GRACE + 1_000);

        Map<String, PolicyView> views = readViews().stream()
                .collect(Collectors.toMap(v -> v.getPolicyId() + "@" + v.getWindowStart().toEpochMilli(), v -> v));
        Map<String, List<Input>> byWindow = inputs.stream().collect(Collectors.groupingBy(
                in -> in.key() + "@" + Math.floorDiv(in.time(), SIZE) * SIZE));
        assertThat(views.keySet()).isEqualTo(byWindow.keySet());
        for (Map.Entry<String, List<Input>> window : byWindow.entrySet()) {
            assertAgrees(views.get(window.getKey()), window.getValue());
        }
        assertThat(views.get("@" + T0).getDeadLettersByReason()).containsExactly(Map.entry("UNDESERIALIZABLE", 1L));
    }

    /** The view against the same window's raw events, counted here without the app's classes. */
    private static void assertAgrees(PolicyView view, List<Input> raw) {
        List<InferenceResponse> responses = raw.stream().map(Input::event).filter(InferenceResponse.class::isInstance)
                .map(InferenceResponse.class::cast).toList();
        List<Long> latencies = responses.stream().filter(r -> r.getError() == null).map(InferenceResponse::getLatencyMs)
                .sorted().toList();
        List<Double> rewards = raw.stream().map(Input::event).filter(Metric.class::isInstance).map(Metric.class::cast)
                .filter(m -> m.getName().equals("reward")).map(Metric::getValue).toList();
        Map<String, Long> deadLetters = raw.stream().map(Input::event).filter(DeadLetter.class::isInstance)
                .map(DeadLetter.class::cast)
                .collect(Collectors.groupingBy(DeadLetter::getErrorClass, TreeMap::new, Collectors.counting()));
        long tokens = responses.stream().mapToLong(r -> r.getCompletionTokens().size()).sum();

        assertThat(view.getWindowEnd().toEpochMilli() - view.getWindowStart().toEpochMilli()).isEqualTo(SIZE);
        assertThat(view.getRequests()).isEqualTo(responses.size());
        assertThat(view.getErrors()).isEqualTo(responses.stream().filter(r -> r.getError() != null).count());
        assertThat(view.getRequestsPerSecond()).isCloseTo(responses.size() / (SIZE / 1000.0), within(1e-9));
        assertThat(view.getCompletionTokens()).isEqualTo(tokens);
        assertThat(view.getTokensPerSecond()).isCloseTo(tokens / (SIZE / 1000.0), within(1e-9));
        assertThat(view.getRewardCount()).isEqualTo(rewards.size());
        if (rewards.isEmpty()) {
            assertThat(view.getRewardMean()).isNull();
        } else {
            assertThat(view.getRewardMean()).isCloseTo(rewards.stream().mapToDouble(d -> d).average().orElseThrow(),
                    within(1e-9));
        }
        assertThat(view.getDeadLettersByReason()).isEqualTo(deadLetters);
        assertThat(view.getDeadLetters()).isEqualTo(deadLetters.values().stream().mapToLong(Long::longValue).sum());
        assertThat(view.getLateEvents()).isZero();
        if (latencies.isEmpty()) {
            assertThat(view.getLatencyP99Ms()).isNull();
            return;
        }
        assertThat(view.getLatencyMaxMs()).isEqualTo(latencies.get(latencies.size() - 1));
        assertWithinAccuracy(view.getLatencyP50Ms(), nearestRank(latencies, 0.50));
        assertWithinAccuracy(view.getLatencyP99Ms(), nearestRank(latencies, 0.99));
    }

    private static long nearestRank(List<Long> sorted, double q) {
        return sorted.get((int) Math.max(1, Math.ceil(q * sorted.size())) - 1);
    }

    private static void assertWithinAccuracy(double estimate, long exact) {
        assertThat(estimate).isCloseTo(exact, within(LatencySketch.RELATIVE_ACCURACY * exact + 1e-9));
    }

    @Test
    void shouldAlertOncePerWindowWithTheGuardsThresholdOrTheSettings() {
        startDriver(new AlertThresholds(0.2, 300.0, null));
        pipeAt(topics.catalog(), "guarded", guardedEntry("guarded", 0.8, 0.1), T0); // reward threshold 0.7
        for (int i = 0; i < 50; i++) {
            long time = T0 + i * 100;
            pipeAt(topics.responses(), "guarded", response("guarded", time, 100, false, 3), time);
            pipeAt(topics.metrics(), "guarded", metric("guarded", "reward", time, 0.5), time); // below 0.7
            pipeAt(topics.responses(), "slow", response("slow", time, 1_000, false, 3), time); // p99 above 300
            pipeAt(topics.metrics(), "slow", metric("slow", "reward", time, 0.5), time); // above the 0.2 setting
        }
        advanceWallTo(T0 + SIZE + GRACE + 500);

        List<Alert> alerts = readAlerts();
        assertThat(alerts).extracting(a -> a.getPolicyId() + " " + a.getKind())
                .containsExactlyInAnyOrder("guarded REWARD_LOW", "slow LATENCY_HIGH");
        Alert reward = alerts.stream().filter(a -> a.getKind() == AlertKind.REWARD_LOW).findFirst().orElseThrow();
        assertThat(reward.getThreshold()).isCloseTo(0.7, within(1e-9));
        assertThat(reward.getThresholdSource()).isEqualTo("regression_guard");
        assertThat(reward.getValue()).isCloseTo(0.5, within(1e-9));
        assertThat(reward.getWindowStart().toEpochMilli()).isEqualTo(T0);
        Alert latency = alerts.stream().filter(a -> a.getKind() == AlertKind.LATENCY_HIGH).findFirst().orElseThrow();
        assertThat(latency.getThresholdSource()).isEqualTo(MonitorConfig.ALERT_LATENCY_P99_ABOVE_MS);
        assertThat(latency.getValue()).isCloseTo(1_000, within(10.0));

        advanceWallTo(T0 + 3 * SIZE + GRACE); // more windows pass without traffic: no alert repeats
        assertThat(readAlerts()).isEmpty();
    }

    @Test
    void shouldDeadLetterABadRecordAndGoOnButNeverDeadLetterTheDeadLetterTopicAgain() {
        pipeRawAt(topics.responses(), "alpha", "not avro".getBytes(StandardCharsets.UTF_8), T0 + 10);
        pipeRawAt(topics.deadLetter(), "alpha", "no dead letter either".getBytes(StandardCharsets.UTF_8), T0 + 20);
        pipeAt(topics.responses(), "alpha", response("alpha", T0 + 30, 50, false, 4), T0 + 30);
        pipeAt(topics.responses(), "beta", response("alpha", T0 + 40, 50, false, 4), T0 + 40); // key is not its policy
        advanceWallTo(T0 + SIZE + GRACE + 500);

        List<DeadLetter> letters = read(topics.deadLetter(), DeadLetter.class);
        assertThat(letters).extracting(DeadLetter::getSourceTopic, DeadLetter::getErrorClass).containsExactly(
                org.assertj.core.groups.Tuple.tuple(topics.responses(), DecodeResult.UNDESERIALIZABLE),
                org.assertj.core.groups.Tuple.tuple(topics.responses(), DecodeResult.KEY_MISMATCH));
        Map<String, PolicyView> views = readViews().stream().collect(Collectors.toMap(PolicyView::getPolicyId, v -> v));
        assertThat(views.get("alpha").getRequests()).isEqualTo(1); // the app went on
        // the app's own dead letters come back through the dead-letter topic and are counted under their key
        assertThat(views.get("alpha").getDeadLettersByReason()).containsExactly(Map.entry("UNDESERIALIZABLE", 1L));
        assertThat(views.get("beta").getDeadLettersByReason()).containsExactly(Map.entry("KEY_MISMATCH", 1L));
    }

    @Test
    void shouldCountAnEventWhoseWindowHasClosedAsLateInsteadOfReopeningIt() {
        pipeAt(topics.responses(), "alpha", response("alpha", T0 + 100, 50, false, 1), T0 + 100);
        advanceWallTo(T0 + SIZE + GRACE + 100);
        assertThat(readViews()).singleElement().satisfies(v -> assertThat(v.getRequests()).isEqualTo(1));

        pipeAt(topics.responses(), "alpha", response("alpha", T0 + 200, 50, false, 1), T0 + SIZE + GRACE + 200);
        advanceWallTo(T0 + 2 * SIZE + 2 * GRACE + 500);
        assertThat(readViews()).singleElement().satisfies(v -> {
            assertThat(v.getWindowStart().toEpochMilli()).isEqualTo(T0 + SIZE);
            assertThat(v.getRequests()).isZero();
            assertThat(v.getLateEvents()).isEqualTo(1);
        });
    }

    @Test
    void shouldViewAWorkerAtItsFirstHeartbeatThenAtMostOncePerIntervalAndWhenItLeaves() {
        WorkerStatus sample = (WorkerStatus) SampleEvents.sample(Topics.WORKER_STATUS, "alpha");
        for (int i = 0; i < 12; i++) { // one heartbeat a second
            long time = T0 + i * 1_000L;
            pipeAt(topics.workerStatus(), "worker-0", WorkerStatus.newBuilder(sample)
                    .setTime(Instant.ofEpochMilli(time)).setQueueDepth(i).setLeaving(i == 11).build(), time);
        }
        List<WorkerView> views = read(topics.workerViews(), WorkerView.class);
        assertThat(views).extracting(WorkerView::getQueueDepth).containsExactly(0, 5, 10, 11);
        assertThat(views).extracting(WorkerView::getHeartbeats).containsExactly(1L, 5L, 5L, 1L);
        assertThat(views.get(3).getLeaving()).isTrue();
        // the sample holds one adapter ready on the device and one that failed on the CPU tier
        assertThat(views.get(0).getResidentAdapters()).containsExactly("alpha@" + sample.getResidentAdapters().get(0)
                .getRevision() + ":DEVICE");
    }

    @Test
    void shouldGiveEachWorkerTheCountsOfItsOwnAnswersOverEveryPolicyAndWindow() {
        Random random = new Random(7);
        List<String> workers = List.of("worker-0", "worker-1");
        List<Input> inputs = new ArrayList<>();
        for (long beat = T0; beat < T0 + 2 * SIZE; beat += 1_000) { // both workers beat through both windows
            for (String worker : workers) {
                inputs.add(new Input(topics.workerStatus(), worker, heartbeat(worker, beat, false), beat));
            }
        }
        for (int i = 0; i < 600; i++) {
            long time = T0 + random.nextInt((int) (2 * SIZE));
            String policy = List.of("alpha", "beta", "gamma").get(random.nextInt(3));
            String worker = workers.get(random.nextInt(4) == 0 ? 1 : 0); // uneven, so a swap of workers shows
            boolean failed = random.nextInt(8) == 0;
            long latency = failed ? 0 : (long) (5 + 200 * -Math.log(1 - random.nextDouble()));
            String topic = random.nextInt(3) == 0 ? REPLIES : topics.responses();
            inputs.add(new Input(topic, policy, response(policy, worker, time, latency, failed, random.nextInt(40)),
                    time));
        }
        inputs.sort(Comparator.comparingLong(Input::time));
        for (Input input : inputs) {
            pipeAt(input.topic(), input.key(), input.event(), input.time());
        }
        advanceWallTo(T0 + 2 * SIZE + GRACE + 500);

        // every view made once a window closed (by the window or by a later heartbeat) carries that window's figures
        Map<String, List<WorkerView>> views = read(topics.workerViews(), WorkerView.class).stream()
                .filter(v -> v.getWindowEnd().toEpochMilli() > 0)
                .collect(Collectors.groupingBy(v -> v.getWorkerId() + "@" + v.getWindowStart().toEpochMilli()));
        Map<String, List<InferenceResponse>> answered = inputs.stream().map(Input::event)
                .filter(InferenceResponse.class::isInstance).map(InferenceResponse.class::cast)
                .collect(Collectors.groupingBy(r -> r.getWorkerId() + "@"
                        + Math.floorDiv(r.getTime().toEpochMilli(), SIZE) * SIZE));
        assertThat(answered).hasSize(4); // two workers, two windows
        assertThat(views.keySet()).containsAll(answered.keySet());
        for (Map.Entry<String, List<WorkerView>> window : views.entrySet()) {
            List<InferenceResponse> raw = answered.getOrDefault(window.getKey(), List.of());
            for (WorkerView view : window.getValue()) {
                assertAgrees(view, raw);
            }
        }
    }

    /** A worker's view against its answers of the same window, counted here without the app's classes. */
    private static void assertAgrees(WorkerView view, List<InferenceResponse> raw) {
        long errors = raw.stream().filter(r -> r.getError() != null).count();
        long tokens = raw.stream().mapToLong(r -> r.getCompletionTokens().size()).sum();
        List<Long> latencies = raw.stream().filter(r -> r.getError() == null).map(InferenceResponse::getLatencyMs)
                .sorted().toList();
        assertThat(view.getWindowEnd().toEpochMilli() - view.getWindowStart().toEpochMilli()).isEqualTo(SIZE);
        assertThat(view.getRequests()).as(view.getWorkerId()).isEqualTo(raw.size());
        assertThat(view.getErrors()).isEqualTo(errors);
        assertThat(view.getErrorRate()).isCloseTo(raw.isEmpty() ? 0 : (double) errors / raw.size(), within(1e-9));
        assertThat(view.getRequestsPerSecond()).isCloseTo(raw.size() / (SIZE / 1000.0), within(1e-9));
        assertThat(view.getCompletionTokens()).isEqualTo(tokens);
        assertThat(view.getTokensPerSecond()).isCloseTo(tokens / (SIZE / 1000.0), within(1e-9));
        if (latencies.isEmpty()) {
            assertThat(view.getLatencyP99Ms()).isNull();
            return;
        }
        assertWithinAccuracy(view.getLatencyP50Ms(), nearestRank(latencies, 0.50));
        assertWithinAccuracy(view.getLatencyP99Ms(), nearestRank(latencies, 0.99));
    }

    @Test
    void shouldAlertOncePerSilenceOfAWorkerThatStoppedWithoutLeaving() {
        for (long beat = T0; beat <= T0 + 5_000; beat += 1_000) {
            for (String worker : List.of("crashed", "left", "flaky")) {
                pipeAt(topics.workerStatus(), worker, heartbeat(worker, beat, worker.equals("left")
                        && beat == T0 + 5_000), beat);
            }
        }
        long silenceMs = SILENT_WINDOWS * SIZE;
        advanceWallStepwiseTo(T0 + 5_000 + silenceMs - 1_000); // not silent long enough yet
        assertThat(silentAlerts()).isEmpty();

        advanceWallStepwiseTo(T0 + 60_000); // every window that closes meanwhile checks the silences again
        List<Alert> first = silentAlerts();
        assertThat(first).extracting(Alert::getWorkerId).containsExactlyInAnyOrder("crashed", "flaky");
        for (Alert alert : first) {
            assertThat(alert.getValue()).isGreaterThanOrEqualTo(silenceMs / 1000.0);
            assertThat(alert.getThreshold()).isEqualTo(silenceMs / 1000.0);
            assertThat(alert.getThresholdSource()).isEqualTo(MonitorConfig.ALERT_WORKER_SILENT_WINDOWS);
            assertThat(alert.getWindowStart().toEpochMilli()).isEqualTo(T0 + 5_000); // its last heartbeat
        }

        for (long beat = T0 + 60_000; beat <= T0 + 65_000; beat += 1_000) { // flaky comes back, then stops again
            pipeAt(topics.workerStatus(), "flaky", heartbeat("flaky", beat, false), beat);
        }
        advanceWallStepwiseTo(T0 + 65_000 + silenceMs - 1_000);
        assertThat(silentAlerts()).isEmpty();
        advanceWallStepwiseTo(T0 + 150_000);
        List<Alert> second = silentAlerts();
        assertThat(second).extracting(Alert::getWorkerId).containsExactly("flaky");
        assertThat(second.get(0).getEventId()).isNotIn(first.stream().map(Alert::getEventId).toList());
    }

    private List<Alert> silentAlerts() {
        List<Alert> alerts = readAlerts();
        assertThat(alerts).allSatisfy(a -> assertThat(a.getKind()).isEqualTo(AlertKind.WORKER_SILENT));
        return alerts;
    }

    /** Moves the wall clock a second at a time, so that the punctuation runs as often as on a live platform. */
    private void advanceWallStepwiseTo(long time) {
        while (wall + 1_000 <= time) {
            advanceWallTo(wall + 1_000);
        }
        advanceWallTo(time);
    }

    private static WorkerStatus heartbeat(String worker, long time, boolean leaving) {
        WorkerStatus sample = (WorkerStatus) SampleEvents.sample(Topics.WORKER_STATUS, "alpha");
        return WorkerStatus.newBuilder(sample).setEventId(UUID.randomUUID().toString()).setWorkerId(worker)
                .setWorkTopic(Topics.workTopic(worker).name()).setTime(Instant.ofEpochMilli(time))
                .setLeaving(leaving).build();
    }

    private List<PolicyView> readViews() {
        return read(topics.policyViews(), PolicyView.class);
    }

    private List<Alert> readAlerts() {
        return read(topics.alerts(), Alert.class);
    }

    private <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        org.apache.kafka.streams.TestOutputTopic<String, T> out = driver.createOutputTopic(topic,
                new StringDeserializer(), new AvroEventDeserializer<>(registry, type));
        return out.readValuesToList();
    }

    /** Pipes an event with the wall clock moved to its time first, as on a live platform. */
    private void pipeAt(String topic, String key, SpecificRecord event, long time) {
        advanceWallTo(time);
        driver.createInputTopic(topic, new StringSerializer(), serializer).pipeInput(key, event, time);
    }

    private void pipeRawAt(String topic, String key, byte[] value, long time) {
        advanceWallTo(time);
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()).pipeInput(key, value, time);
    }

    private void advanceWallTo(long time) {
        if (time > wall) {
            driver.advanceWallClockTime(Duration.ofMillis(time - wall));
            wall = time;
        }
    }

    private static InferenceResponse response(String policy, long time, long latencyMs, boolean failed, int tokens) {
        return response(policy, "worker-0", time, latencyMs, failed, tokens);
    }

    private static InferenceResponse response(String policy, String worker, long time, long latencyMs, boolean failed,
                                              int tokens) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < (failed ? 0 : tokens); i++) {
            ids.add(i);
        }
        return InferenceResponse.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(policy)
                .setTime(Instant.ofEpochMilli(time)).setRequestId(UUID.randomUUID().toString())
                .setRevision(failed ? "" : "r1").setWorkerId(worker).setCompletionText(failed ? "" : "text")
                .setCompletionTokens(ids).setFinishReason(failed ? "error" : "stop").setLatencyMs(latencyMs)
                .setError(failed ? "generation failed" : null).build();
    }

    private static Metric metric(String policy, String name, long time, double value) {
        return Metric.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(policy)
                .setTime(Instant.ofEpochMilli(time)).setName(name).setValue(value).setRevision("r1")
                .setSource("worker-0").build();
    }

    private static DeadLetter deadLetter(String key, long time, String errorClass) {
        return DeadLetter.newBuilder().setEventId(UUID.randomUUID().toString()).setPolicyId(key)
                .setTime(Instant.ofEpochMilli(time)).setSourceTopic(Topics.ROLLOUT_RESULTS.name())
                .setSourcePartition(0).setSourceOffset(7).setErrorClass(errorClass).setReason("test")
                .setApp("test").build();
    }

    /** A catalog entry whose guard watches the live reward: threshold = eval score - max drop. */
    private static CatalogEntry guardedEntry(String policy, double evalScore, double maxDrop) {
        CatalogEntry sample = (CatalogEntry) SampleEvents.sample(Topics.CATALOG, policy);
        PolicySpec spec = PolicySpec.newBuilder(sample.getSpec()).setRegressionGuard(RegressionGuard.newBuilder()
                .setMetric("reward").setMaxDrop(maxDrop).setWindow(20).build()).build();
        List<RevisionInfo> revisions = sample.getRevisions().stream().map(r -> RevisionInfo.newBuilder(r)
                .setEvalScores(new HashMap<>(Map.of("reward", evalScore))).build()).toList();
        return CatalogEntry.newBuilder(sample).setSpec(spec).setRevisions(revisions).build();
    }
}
