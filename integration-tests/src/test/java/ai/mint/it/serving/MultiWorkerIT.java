package ai.mint.it.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.client.MintClient;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkKind;
import ai.mint.events.WorkerStatus;
import ai.mint.it.SharedPlatform;
import ai.mint.it.lifecycle.TopicReader;
import ai.mint.lifecycle.bench.ServedAdapters;
import ai.mint.lifecycle.bench.WorkerJvm;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.topics.Topics;
import ai.mint.common.store.FilesystemAdapterStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving across worker processes through the scheduler: three {@code mint worker} JVMs share the requests of twelve
 * policies; one is SIGKILLed while it holds packs, a fourth joins, another stops with SIGTERM while it works. Every
 * accepted request must be answered exactly once as the client sees it (answers counted by request id), the killed
 * worker's unanswered packs must move to the others, and a second answer on the topic may only come from the killed
 * worker (an answer it published just before dying, whose pack was sent again).
 */
@ExtendWith(SharedPlatform.class)
class MultiWorkerIT {

    static final int POLICIES = 12;
    static final int FIRST_WAVE = 120;
    static final int SECOND_WAVE = 60;
    static final SamplingParams GREEDY = SamplingParams.newBuilder().setMaxTokens(32).setTemperature(0).build();

    @Test
    void shouldAnswerEveryRequestOnceWhileWorkersAreKilledStoppedAndJoin(EmbeddedPlatform platform, @TempDir Path dir)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Path base = dir.resolve("micro");
        BaseModelInitializer.write(base, TestModels.microDense(), 11L, DType.F32);
        FilesystemAdapterStore store = new FilesystemAdapterStore(dir.resolve("store"));
        List<ServedAdapters.Served> served = ServedAdapters.write(store, TestModels.microDense(), "mw" + run,
                POLICIES, i -> 2 + i % 3, 5L, line -> { });
        ServedAdapters.publish(platform.connection(), "micro", served);

        List<WorkerJvm> workers = new ArrayList<>();
        KafkaStreams scheduler = SchedulerApp.start(new SchedulerConfig(Map.of(
                SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                SchedulerConfig.APPLICATION_ID, "it-scheduler-mw-" + run,
                SchedulerConfig.STATE_DIR, dir.resolve("scheduler").toString(),
                SchedulerConfig.HEARTBEAT_TIMEOUT_MS, 3_000,
                SchedulerConfig.PACK_MAX_REQUESTS, 4)));
        try (MintClient client = new MintClient(platform.connection(), Duration.ofSeconds(150))) {
            for (int i = 1; i <= 3; i++) {
                workers.add(worker(platform, "mw" + run + "-w" + i, base, dir));
            }
            awaitPackTakers(platform, workers);

            List<CompletableFuture<InferenceResponse>> answers = new ArrayList<>();
            send(client, served, FIRST_WAVE, answers);
            WorkerJvm killed = workers.get(0);
            // kill it while it is busy: it has answered some and the scheduler keeps its queue full
            await().atMost(Duration.ofSeconds(120)).until(() -> answeredBy(answers, killed.workerId()) >= 3);
            killed.kill();

            WorkerJvm joined = worker(platform, "mw" + run + "-w4", base, dir);
            workers.add(joined);
            awaitPackTakers(platform, List.of(joined));
            int secondFrom = answers.size();
            send(client, served, SECOND_WAVE, answers);
            WorkerJvm stopped = workers.get(1);
            await().atMost(Duration.ofSeconds(120)).until(() ->
                    answeredBy(answers.subList(secondFrom, answers.size()), stopped.workerId()) >= 2);
            assertThat(stopped.terminate()).as("exit code after SIGTERM; stderr:%n%s", stopped.log())
                    .isIn(0, 143);

            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(150, TimeUnit.SECONDS);

            List<InferenceResponse> seen = answers.stream().map(CompletableFuture::join).toList();
            assertThat(seen).as("answers the client got").allSatisfy(r -> assertThat(r.getError()).isNull());
            Set<String> ids = seen.stream().map(InferenceResponse::getRequestId).collect(Collectors.toSet());
            assertThat(ids).as("one answer per accepted request").hasSize(FIRST_WAVE + SECOND_WAVE);
            Map<String, Long> byWorker = seen.stream()
                    .collect(Collectors.groupingBy(InferenceResponse::getWorkerId, Collectors.counting()));
            assertThat(byWorker).as("answers by worker").containsKeys(killed.workerId(), stopped.workerId(),
                    workers.get(2).workerId(), joined.workerId());

            List<InferenceResponse> onTopic = TopicReader.readAll(platform.bootstrapServers(),
                    platform.schemaRegistryUrl(), client.inferenceReplyTopic(), InferenceResponse.class,
                    r -> ids.contains(r.getRequestId()));
            Map<String, List<InferenceResponse>> perRequest = onTopic.stream()
                    .collect(Collectors.groupingBy(InferenceResponse::getRequestId));
            assertThat(perRequest.keySet()).as("every request answered on the topic").isEqualTo(ids);
            Map<String, List<InferenceResponse>> repeated = new HashMap<>();
            perRequest.forEach((id, list) -> {
                if (list.size() > 1) {
                    repeated.put(id, list);
                }
            });
            assertThat(repeated.values()).as("a second answer only for a request the killed worker answered")
                    .allSatisfy(list -> assertThat(list).extracting(InferenceResponse::getWorkerId)
                            .contains(killed.workerId()).hasSize(2));
            long repeats = repeated.values().stream().mapToLong(l -> l.size() - 1).sum();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.duplicateAnswersDropped() == repeats);

            List<WorkItem> moved = new ArrayList<>();
            for (WorkerJvm w : workers.subList(1, workers.size())) {
                moved.addAll(TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                        Topics.workTopic(w.workerId()).name(), WorkItem.class,
                        item -> item.getKind() == WorkKind.PACK && item.getAttempt() > 1));
            }
            assertThat(moved).as("packs taken back from the killed worker and sent again").isNotEmpty();
            System.out.printf("multi-worker: %d requests, answers by worker %s, %d packs moved, %d second answers"
                    + " dropped by the client%n", ids.size(), byWorker, moved.size(), repeats);
        } catch (AssertionError | RuntimeException e) {
            for (WorkerJvm w : workers) {
                System.err.println("---- stderr of " + w.workerId() + " (tail)\n" + tail(w.log()));
            }
            throw e;
        } finally {
            workers.forEach(WorkerJvm::close);
            SchedulerApp.stop(scheduler, Duration.ofSeconds(30));
        }
    }

    private static WorkerJvm worker(EmbeddedPlatform platform, String id, Path base, Path dir) {
        return WorkerJvm.start(platform, id, base, dir.resolve("store"), dir, "heartbeat.interval.ms=500",
                "inference.queue.capacity=12",
                // small batches keep each worker's queue full for a while: a kill then hits packs in hand
                "inference.max.batch=2");
    }

    /** Waits until each worker has published a heartbeat that offers a work topic (it takes packs). */
    private static void awaitPackTakers(EmbeddedPlatform platform, List<WorkerJvm> workers) {
        Set<String> wanted = new HashSet<>();
        workers.forEach(w -> wanted.add(w.workerId()));
        Predicate<WorkerStatus> offers = s -> wanted.contains(s.getWorkerId()) && s.getWorkTopic() != null;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            workers.forEach(w -> assertThat(w.alive()).as("%s is running; stderr:%n%s", w.workerId(), tail(w.log()))
                    .isTrue());
            return TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                    Topics.WORKER_STATUS.name(), WorkerStatus.class, offers).stream().map(WorkerStatus::getWorkerId)
                    .collect(Collectors.toSet()).containsAll(wanted);
        });
    }

    private static void send(MintClient client, List<ServedAdapters.Served> served, int n,
                             List<CompletableFuture<InferenceResponse>> answers) {
        for (int i = 0; i < n; i++) {
            String policy = served.get(i % served.size()).policyId();
            answers.add(client.sample(policy, "ab" + i, GREEDY, null));
        }
    }

    private static long answeredBy(List<CompletableFuture<InferenceResponse>> answers, String workerId) {
        return answers.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally())
                .filter(f -> workerId.equals(f.join().getWorkerId())).count();
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
