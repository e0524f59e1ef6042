package ai.mint.it.connect;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.InferenceResponse;
import ai.mint.it.SharedPlatform;
import ai.mint.it.TestFiles;
import ai.mint.platform.ConnectRest;
import ai.mint.platform.ConnectWorkerProcess;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL sink in a real Connect worker (child JVM, distributed mode, the plugin loaded from plugin.path) on
 * the real broker and registry, into a real PostgreSQL: 10,000 inference responses land in their table once each
 * across a hard kill of the worker (before any offset commit, so everything written before it is redelivered) and a
 * graceful restart (which commits offsets only for rows the database had committed, so nothing is written twice).
 * The responses topic is the shared platform's: the answers of IT classes that ran before are on it too and the sink
 * writes them as well, so every count is over this run's request ids only.
 */
@ExtendWith(SharedPlatform.class)
class ConnectSinkIT {

    private static final int RESPONSES = 10_000;
    private static final String CONNECTOR = "responses-to-postgres";
    private static final Duration START = Duration.ofSeconds(90);

    /** This run's request ids start with it. */
    private final String run = "sink-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private Path dir;
    private PostgresDatabase postgres;
    private ConnectWorkerProcess worker;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("mint-connect-sink-it-");
        postgres = PostgresDatabase.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        postgres.close();
        TestFiles.deleteTree(dir);
    }

    @Test
    void shouldWriteEveryResponseOnceAcrossAKilledAndARestartedWorker(EmbeddedPlatform platform) {
        // offsets are committed only when the task stops: a kill loses them all, so redelivery is certain
        ConnectWorkerProcess.Settings settings = ConnectWorkerProcess.Settings.of(dir)
                .withOverrides(Map.of("offset.flush.interval.ms", "600000"));
        worker = ConnectWorkerProcess.start(platform.connection(), settings, START);
        ConnectRest rest = new ConnectRest(worker.url());
        rest.deploy(CONNECTOR, Map.of(
                "connector.class", "ai.mint.connect.postgres.PostgresSinkConnector",
                "topics", Topics.INFERENCE_RESPONSES.name(),
                "tasks.max", "1",
                "postgres.url", postgres.jdbcUrl()));
        rest.awaitRunning(CONNECTOR, 1, START);

        produceResponses(platform, 0, RESPONSES);
        await().atMost(Duration.ofSeconds(60)).until(() -> rows() > 0);
        worker.kill();
        long beforeKill = rows();
        System.out.println("rows in PostgreSQL when the worker was killed: " + beforeKill);

        worker = ConnectWorkerProcess.start(platform.connection(), settings, START);
        new ConnectRest(worker.url()).awaitRunning(CONNECTOR, 1, START);
        await().atMost(Duration.ofSeconds(120)).until(() -> rows() == RESPONSES);

        assertThat(postgres.queryLong("SELECT count(DISTINCT request_id) FROM inference_responses WHERE " + mine()))
                .isEqualTo(RESPONSES);
        // every row written before the kill was written again after it, and is still there once
        assertThat(postgres.queryLong("SELECT count(*) FROM inference_responses WHERE writes >= 2 AND " + mine()))
                .isGreaterThanOrEqualTo(beforeKill);
        assertThat(postgres.queryText("SELECT completion_text FROM inference_responses WHERE request_id = '" + run
                + "4242'")).isEqualTo("completion 4242");
        assertThat(postgres.queryLong("SELECT count(*) FROM inference_responses WHERE " + mine()
                + " AND completion_text <> 'completion ' || substr(request_id, " + (run.length() + 1) + ")")).isZero();

        // a graceful stop commits the offsets of what the database holds: after it, nothing is written twice
        long writesBefore = postgres.queryLong("SELECT sum(writes) FROM inference_responses WHERE " + mine());
        worker.close();
        worker = ConnectWorkerProcess.start(platform.connection(), settings, START);
        new ConnectRest(worker.url()).awaitRunning(CONNECTOR, 1, START);
        produceResponses(platform, RESPONSES, 100);
        await().atMost(Duration.ofSeconds(60)).until(() -> rows() == RESPONSES + 100);
        assertThat(postgres.queryLong("SELECT sum(writes) FROM inference_responses WHERE " + mine()))
                .isEqualTo(writesBefore + 100);
    }

    /** This run's rows (the table also holds the answers of earlier IT classes, read from the shared topic). */
    private long rows() {
        return postgres.queryLong("SELECT count(*) FROM inference_responses WHERE " + mine());
    }

    private String mine() {
        return "request_id LIKE '" + run + "%'";
    }

    private void produceResponses(EmbeddedPlatform platform, int from, int count) {
        try (KafkaProducer<String, InferenceResponse> producer = KafkaClients.of(platform.connection())
                .producer("connect-sink-it", new StringSerializer(),
                        new AvroEventSerializer<>(platform.connection().registry()))) {
            for (int i = from; i < from + count; i++) {
                String policy = "policy-" + (i % 17);
                producer.send(new ProducerRecord<>(Topics.INFERENCE_RESPONSES.name(), policy,
                        InferenceResponse.newBuilder().setEventId("resp-" + i).setPolicyId(policy)
                                .setTime(Instant.ofEpochMilli(1_700_000_000_000L + i)).setRequestId(run + i)
                                .setRevision("rev-1").setWorkerId("w1").setCompletionText("completion " + i)
                                .setCompletionTokens(List.of(1, 2, 3)).setLogprobs(List.of(-0.5f, -0.25f, -1f))
                                .setFinishReason("stop").setLatencyMs(12).build()));
            }
            producer.flush();
        }
    }
}
