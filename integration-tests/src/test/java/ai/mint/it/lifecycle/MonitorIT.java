package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.kafka.ReplyTopics;
import ai.mint.events.InferenceResponse;
import ai.mint.events.PolicyView;
import ai.mint.events.SamplingParams;
import ai.mint.it.SharedPlatform;
import ai.mint.monitoring.MonitorApp;
import ai.mint.monitoring.MonitorConfig;
import ai.mint.monitoring.TopCommand;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The monitoring app on the real broker and registry: inference sent through the platform (client, scheduler,
 * worker) shows up in the policy's views with as many requests per window as the client's reply topic, made after
 * the monitor started, holds for that policy and window, and {@code mint top --once} draws the policy.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorIT {

    private static final long WINDOW_MS = 2_000;
    private static final long GRACE_MS = 20_000;
    private LifecycleHarness harness;
    private KafkaStreams monitor;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new LifecycleHarness(platform);
        monitor = MonitorApp.create(new MonitorConfig(Map.of(
                MonitorConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                MonitorConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                MonitorConfig.APPLICATION_ID, "it-monitor-" + harness.runId,
                MonitorConfig.STATE_DIR, harness.dir.resolve("monitor-state").toString(),
                // input.offset.reset as a user gets it (latest): the views start with the live platform
                MonitorConfig.WINDOW_SIZE_MS, WINDOW_MS,
                // the reply topic is found seconds after its first answers (metadata refresh, rebalance): the windows
                // stay open long enough for them, or they count as late events of a later window
                MonitorConfig.WINDOW_GRACE_MS, GRACE_MS,
                MonitorConfig.COMMIT_INTERVAL_MS, 200)));
        CompletableFuture<Void> running = new CompletableFuture<>();
        monitor.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.complete(null);
            }
        });
        monitor.start();
        running.get(90, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        if (monitor != null) {
            MonitorApp.stop(monitor, Duration.ofSeconds(30));
        }
        harness.close();
    }

    @Test
    void shouldCountAsManyRequestsPerWindowAsThePoliciesResponsesOnTheRawTopic() throws Exception {
        // the client makes its reply topic at its first sample, after the monitor is RUNNING: the monitor finds it
        // by pattern seconds later, when the first answers are already there (read from its end, they were lost)
        try (ReplyTopics topics = new ReplyTopics(KafkaClients.of(harness.platform.connection())
                .admin("it-monitor-topics-" + harness.runId))) {
            assertThat(topics.existing(List.of(harness.client.inferenceReplyTopic()))).isEmpty();
        }
        String policy = "it-monitor-ghost-" + harness.runId; // never created: every answer is an error
        SamplingParams sampling = SamplingParams.newBuilder().setMaxTokens(2).setTemperature(0).build();
        List<InferenceResponse> answers = IntStream.range(0, 6)
                .mapToObj(i -> harness.client.sample(policy, "ab", sampling, null)).toList().stream()
                .map(f -> f.orTimeout(90, TimeUnit.SECONDS).join()).toList();
        assertThat(answers).allSatisfy(a -> assertThat(a.getError()).isNotNull());

        // the client's answers come on its own reply topic, which the monitor reads by pattern
        Map<Long, Long> raw = TopicReader.readAll(harness.platform.bootstrapServers(),
                        harness.platform.schemaRegistryUrl(), harness.client.inferenceReplyTopic(),
                        InferenceResponse.class, r -> r.getPolicyId().equals(policy)).stream()
                .collect(Collectors.groupingBy(r -> Math.floorDiv(r.getTime().toEpochMilli(), WINDOW_MS) * WINDOW_MS,
                        Collectors.counting()));
        assertThat(raw.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(answers.size());

        await().atMost(Duration.ofMillis(GRACE_MS + 60_000)).untilAsserted(() -> {
            Map<Long, PolicyView> views = TopicReader.readAll(harness.platform.bootstrapServers(),
                            harness.platform.schemaRegistryUrl(), Topics.MONITOR_POLICIES.name(), PolicyView.class,
                            v -> v.getPolicyId().equals(policy) && v.getRequests() > 0).stream()
                    .collect(Collectors.toMap(v -> v.getWindowStart().toEpochMilli(), v -> v, (a, b) -> b));
            assertThat(views.keySet()).isEqualTo(raw.keySet());
            raw.forEach((start, count) -> {
                assertThat(views.get(start).getRequests()).as("requests of window %d", start).isEqualTo(count);
                assertThat(views.get(start).getErrors()).isEqualTo(count);
            });
        });

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new TopCommand()).execute("--bootstrap-servers", harness.platform.bootstrapServers(),
                    "--schema-registry-url", harness.platform.schemaRegistryUrl(), "--once", "--policies", "1000");
        } finally {
            System.setOut(stdout);
        }
        String frame = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(frame).contains("WORKERS", "ALERTS", policy.substring(0, 19));
    }
}
