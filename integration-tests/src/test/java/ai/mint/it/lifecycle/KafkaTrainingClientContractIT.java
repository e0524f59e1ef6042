package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LoraConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.ServiceClient;
import ai.mint.api.TrainingClient;
import ai.mint.api.TrainingClientContract;
import ai.mint.client.KafkaServiceClient;
import ai.mint.client.MintClient;
import ai.mint.it.SharedPlatform;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import ai.mint.training.local.LocalServiceClient;
import ai.mint.worker.ModelRuntime;
import ai.mint.worker.store.FilesystemAdapterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The api's {@link TrainingClientContract}, run against {@link KafkaServiceClient} on the real broker, registry,
 * catalog app and worker: the same assertions the in-process implementation passes in gpu-consumers. Beside it, the
 * Kafka implementation is compared with the in-process one on the same base (same weights after the same calls), a
 * worker restart between forward_backward and optim_step is survived, and each client reads only its own replies.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaTrainingClientContractIT extends TrainingClientContract {

    /** Largest difference of a log-prob between the Kafka and in-process implementations that passes. */
    private static final double TOLERANCE = 1e-5;

    private LifecycleHarness harness;
    private KafkaServiceClient service;
    private ModelRuntime reference;
    private LocalServiceClient local;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new LifecycleHarness(platform);
        service = new KafkaServiceClient(harness.client);
        Path refDir = Files.createTempDirectory(harness.dir, "reference-");
        reference = ModelRuntime.open(harness.baseDir, "cpu", new FilesystemAdapterStore(refDir.resolve("store")),
                LifecycleHarness.BASE);
        local = new LocalServiceClient(LifecycleHarness.BASE, reference.training(), refDir.resolve("checkpoints"));
    }

    @AfterAll
    void stop() throws Exception {
        local.close();
        reference.close();
        service.close();
        harness.close();
    }

    @Override
    protected ServiceClient service() {
        return service;
    }

    @Override
    protected String baseModel() {
        return LifecycleHarness.BASE;
    }

    /** Three SFT steps, then the log-probs of the data: the same calls on any implementation. */
    private static float[][] trainThreeSteps(TrainingClient client, List<Datum> data) throws Exception {
        for (int step = 0; step < 3; step++) {
            await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY));
            await(client.optimStep(AdamConfig.of(5e-2)));
        }
        return await(client.forward(data, LossFunction.CROSS_ENTROPY)).logprobs();
    }

    private static double maxDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).hasSameSizeAs(a[i]);
            for (int t = 0; t < a[i].length; t++) {
                max = Math.max(max, Math.abs(a[i][t] - b[i][t]));
            }
        }
        return max;
    }

    @Test
    void shouldReachTheSameWeightsAsTheInProcessImplementation() throws Exception {
        TrainingClient overKafka = service.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 11L));
        TrainingClient inProcess = local.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 11L));
        List<Datum> data = sft(overKafka, "ab", " cd", "ef", " gh");
        assertThat(sft(inProcess, "ab", " cd", "ef", " gh").get(0).inputTokens()).isEqualTo(data.get(0).inputTokens());

        double diff = maxDifference(trainThreeSteps(overKafka, data), trainThreeSteps(inProcess, data));
        String kafkaSha = await(overKafka.saveWeightsForSampler("equal")).sha256();
        String localSha = await(inProcess.saveWeightsForSampler("equal")).sha256();
        System.out.printf("Kafka vs in-process after 3 steps: max |logprob diff| = %.3g, adapter sha-256 %s%n",
                diff, kafkaSha.equals(localSha) ? "identical" : "different");

        assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void shouldContinueWhenTheWorkerRestartsBetweenForwardBackwardAndOptimStep() throws Exception {
        TrainingClient overKafka = service.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 13L));
        TrainingClient inProcess = local.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 13L));
        List<Datum> data = sft(overKafka, "ab", " cd");
        await(overKafka.forwardBackward(data, LossFunction.CROSS_ENTROPY));

        // the gradient lives in the worker's memory: a restart loses it, the new owner refuses the step as
        // retriable, the client sends the forward_backward again and then the step
        harness.worker.close();
        harness.worker = harness.startWorker("worker-b");
        long step = await(overKafka.optimStep(AdamConfig.of(5e-2))).step();

        await(inProcess.forwardBackward(data, LossFunction.CROSS_ENTROPY));
        await(inProcess.optimStep(AdamConfig.of(5e-2)));
        assertThat(step).isEqualTo(1);
        assertThat(maxDifference(await(overKafka.forward(data, LossFunction.CROSS_ENTROPY)).logprobs(),
                await(inProcess.forward(data, LossFunction.CROSS_ENTROPY)).logprobs())).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void shouldAnswerConcurrentPoliciesAsIfEachWereAlone() throws Exception {
        TrainingClient first = service.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 17L));
        TrainingClient second = service.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 19L));
        TrainingClient firstAlone = local.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 17L));
        TrainingClient secondAlone = local.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 19L));
        List<Datum> data = sft(first, "ab", " cd");

        CompletableFuture<float[][]> a = CompletableFuture.supplyAsync(() -> trained(first, data));
        CompletableFuture<float[][]> b = CompletableFuture.supplyAsync(() -> trained(second, data));
        double diffA = maxDifference(a.get(), trained(firstAlone, data));
        double diffB = maxDifference(b.get(), trained(secondAlone, data));
        System.out.printf("two policies at once over Kafka vs each alone in process: max |logprob diff| %.3g, %.3g;"
                + " most policies in one step on the worker: %d%n", diffA, diffB,
                harness.worker.runtime().training().maxPoliciesPerStep());

        assertThat(diffA).isLessThanOrEqualTo(TOLERANCE);
        assertThat(diffB).isLessThanOrEqualTo(TOLERANCE);
    }

    private static float[][] trained(TrainingClient client, List<Datum> data) {
        try {
            return trainThreeSteps(client, data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRecordSamplerCheckpointsInTheCatalogSoThatServingCanPinThem() throws Exception {
        TrainingClient client = service.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 31L));
        List<Datum> data = sft(client, "ab", " cd");
        await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY));
        await(client.optimStep(AdamConfig.of(5e-2)));
        ai.mint.api.SavedCheckpoint saved = await(client.saveWeightsForSampler("served", Duration.ofDays(1)));

        var revision = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> harness.client
                .policy(client.policyId()).flatMap(e -> e.getRevisions().stream()
                        .filter(r -> r.getRevision().equals("served") && r.getSha256() != null).findFirst()),
                java.util.Optional::isPresent).orElseThrow();
        // the catalog holds the store's digest of the whole artifact (what serving verifies on load); the
        // checkpoint's own sha-256 is its weights file's, equal for equal weights
        assertThat(revision.getSha256()).matches("[0-9a-f]{64}");
        assertThat(revision.getAdapterUri()).isEqualTo(saved.uri());
        assertThat(revision.getExpiresAt()).as("the checkpoint's time to live, for retention").isNotNull();

        var pinned = harness.client.sample(client.policyId(), "ab", ai.mint.events.SamplingParams.newBuilder()
                .setMaxTokens(3).setTemperature(0).build(), "served").get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(pinned.getError()).isNull();
        assertThat(pinned.getRevision()).isEqualTo("served");
    }

    private String recipe(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", harness.platform.bootstrapServers(),
                "--schema-registry-url", harness.platform.schemaRegistryUrl(), "--base", baseModel(), "--rank", "4"));
        int code = ai.mint.cli.MintCli.commandLine(new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(System.err, true))
                .execute(all.toArray(String[]::new));
        System.out.print(out);
        assertThat(code).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void shouldRunTheRlRecipeAgainstThePlatform() {
        String out = recipe("recipe", "rl", "--reward", "{\"type\":\"length_target\",\"target\":3,\"unit\":\"tokens\"}",
                "--prompts", "ab|cd", "--steps", "2", "--group", "2", "--max-tokens", "4");

        assertThat(out).contains("step   2  mean reward").contains("reward curve").contains("check  \"cd\" -> ");
    }

    @Test
    void shouldRunTheSftRecipeAgainstThePlatform() throws Exception {
        Path data = Files.createTempFile(harness.dir, "pairs-", ".jsonl");
        Files.write(data, List.of("{\"prompt\": \"ab\", \"completion\": \" cd\"}",
                "{\"prompt\": \"ef\", \"completion\": \" gh\"}"));
        String out = recipe("recipe", "sft", "--policy", "it-recipe-sft-" + harness.runId, "--data", data.toString(),
                "--steps", "6", "--batch", "2");

        java.util.regex.Matcher curve = java.util.regex.Pattern.compile("loss curve  \\S+  ([0-9.]+) -> ([0-9.]+)")
                .matcher(out);
        assertThat(curve.find()).as(out).isTrue();
        assertThat(Double.parseDouble(curve.group(2))).isLessThan(Double.parseDouble(curve.group(1)));
        assertThat(out).contains("exported mint://it-recipe-sft-" + harness.runId + "/sampler/sft-final");
    }

    @Test
    void shouldAnswerEachClientOnItsOwnReplyTopicOnly() throws Exception {
        try (MintClient otherConnection = new MintClient(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl(), Duration.ofSeconds(60));
             KafkaServiceClient other = new KafkaServiceClient(otherConnection);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     harness.platform.bootstrapServers()))) {
            TrainingClient mine = service.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 23L));
            TrainingClient theirs = other.createLoraTrainingClient(baseModel(), LoraConfig.of(4, 29L));
            await(theirs.getInfo());
            List<String> before = replyTopics(admin);
            long theirRepliesBefore = totalRecords(admin, before, false);
            for (int i = 0; i < 3; i++) {
                await(mine.getInfo());
            }

            assertThat(before).hasSizeGreaterThanOrEqualTo(2);
            assertThat(totalRecords(admin, before, false)).isEqualTo(theirRepliesBefore); // only mine grew
            assertThat(totalRecords(admin, before, true)).isGreaterThanOrEqualTo(3);
        }
    }

    private List<String> replyTopics(Admin admin) throws Exception {
        return admin.listTopics().names().get().stream().filter(t -> t.startsWith(Topics.REPLY_TOPIC_PREFIX)).toList();
    }

    /** Records on this test's own client's reply topic ({@code mine}) or on every other reply topic. */
    private long totalRecords(Admin admin, List<String> topics, boolean mine) throws Exception {
        String own = Topics.replies(harness.client.clientId()).name();
        assertThat(topics).contains(own);
        long total = 0;
        for (String t : topics) {
            if (t.equals(own) == mine) {
                TopicPartition p = new TopicPartition(t, 0);
                total += admin.listOffsets(Map.of(p, OffsetSpec.latest())).partitionResult(p).get().offset();
            }
        }
        return total;
    }
}
