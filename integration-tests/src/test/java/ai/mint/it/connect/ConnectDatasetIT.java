package ai.mint.it.connect;

import ai.mint.events.DatasetExample;
import ai.mint.events.DeadLetter;
import ai.mint.it.SharedPlatform;
import ai.mint.it.TestFiles;
import ai.mint.it.lifecycle.TopicReader;
import ai.mint.platform.ConnectRest;
import ai.mint.platform.ConnectWorkerProcess;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dataset connector in a real Connect worker: every good line of a directory of JSONL files lands once on
 * mint.datasets, each bad line once on mint.deadletter with its file and line, and after the worker restarts only a
 * file added since is read.
 */
@ExtendWith(SharedPlatform.class)
class ConnectDatasetIT {

    private static final String DATASET = "arith-it";
    private static final Duration START = Duration.ofSeconds(90);

    private Path workDir;
    private Path data;
    private ConnectWorkerProcess worker;

    @BeforeEach
    void dirs() throws IOException {
        workDir = Files.createTempDirectory("mint-connect-dataset-it-");
        data = Files.createDirectories(workDir.resolve("data/prompts"));
    }

    @AfterEach
    void stop() throws IOException {
        if (worker != null) {
            worker.close();
        }
        TestFiles.deleteTree(workDir);
    }

    @Test
    void shouldReadEachFileOnceAcrossARestartAndDeadLetterBadLinesWithFileAndLine(EmbeddedPlatform platform)
            throws IOException {
        List<String> a = prompts(0, 30);
        a.add(7, "{\"prompt\": \"unterminated");
        a.add(12, "{\"prompt\": \"What is 2+2?\", \"reference\": \"4\", \"answer\": \"4\"}");
        Files.write(data.resolve("a.jsonl"), a);
        Files.write(data.resolve("b.jsonl"), prompts(30, 20));

        ConnectWorkerProcess.Settings settings = new ConnectWorkerProcess.Settings(workDir.resolve("worker"),
                "it-dataset", 0, Map.of("offset.flush.interval.ms", "1000"));
        worker = ConnectWorkerProcess.start(platform.connection(), settings, START);
        ConnectRest rest = new ConnectRest(worker.url());
        rest.deploy(DATASET, Map.of("connector.class", "ai.mint.connect.dataset.DatasetSourceConnector",
                "tasks.max", "1", "dataset.dir", data.toString(), "dataset.kind", "prompts",
                "dataset.name", DATASET, "poll.interval.ms", "500"));
        rest.awaitRunning(DATASET, 1, START);

        await().atMost(Duration.ofSeconds(60)).until(() -> examples(platform).size() == 50);
        List<DeadLetter> letters = deadLetters(platform);
        assertThat(letters).hasSize(2);
        assertThat(letters).extracting(DeadLetter::getReason).anySatisfy(r -> assertThat(r)
                .startsWith("file a.jsonl line 8: not valid JSON"));
        assertThat(letters).extracting(DeadLetter::getReason).anySatisfy(r -> assertThat(r)
                .startsWith("file a.jsonl line 13: unknown field(s) [answer]"));

        worker.close();
        Files.write(data.resolve("c.jsonl"), prompts(50, 10));
        worker = ConnectWorkerProcess.start(platform.connection(), settings, START);
        new ConnectRest(worker.url()).awaitRunning(DATASET, 1, START);
        await().atMost(Duration.ofSeconds(60)).until(() -> examples(platform).size() >= 60);

        List<DatasetExample> all = examples(platform);
        assertThat(all).hasSize(60);
        assertThat(all.stream().map(DatasetExample::getEventId).distinct()).hasSize(60);
        assertThat(all.stream().map(DatasetExample::getPrompt).collect(Collectors.toSet()))
                .isEqualTo(prompts(0, 60).stream().map(l -> l.substring(12, l.indexOf("\", "))).collect(
                        Collectors.toSet()));
        assertThat(deadLetters(platform)).hasSize(2);
        DatasetExample first = all.stream().filter(e -> e.getSourceFile().equals("b.jsonl") && e.getSourceLine() == 1)
                .findFirst().orElseThrow();
        assertThat(first.getPrompt()).isEqualTo("What is 30 + 1?");
        assertThat(first.getReference()).isEqualTo("31");
    }

    private static List<String> prompts(int from, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            lines.add("{\"prompt\": \"What is " + i + " + 1?\", \"reference\": \"" + (i + 1) + "\"}");
        }
        return lines;
    }

    private static List<DatasetExample> examples(EmbeddedPlatform platform) {
        return TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(), Topics.DATASETS.name(),
                DatasetExample.class, e -> e.getDataset().equals(DATASET));
    }

    private static List<DeadLetter> deadLetters(EmbeddedPlatform platform) {
        return TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topics.DEAD_LETTER.name(), DeadLetter.class, d -> d.getApp().equals("mint-connect dataset " + DATASET));
    }
}
