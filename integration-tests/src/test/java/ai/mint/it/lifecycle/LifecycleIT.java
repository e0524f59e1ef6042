package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceResponse;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionState;
import ai.mint.events.RollbackResult;
import ai.mint.events.SamplingParams;
import ai.mint.events.UpdateResult;
import ai.mint.it.SharedPlatform;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole lifecycle on the real broker and registry, observed only through topics: a policy is created with a
 * training spec, the orchestrator and a worker train, export and evaluate it step by step, the catalog promotes each
 * evaluated revision, a sample is served by the serving revision, a rollback moves the pointer back and the next
 * sample is served by the earlier revision. A second test restarts the worker mid-training.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleIT {

    private static final String REWARD = "{\"type\":\"length_target\",\"target\":3,\"unit\":\"tokens\"}";
    private LifecycleHarness harness;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new LifecycleHarness(platform);
    }

    @AfterAll
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void shouldTrainPromoteServeAndRollBackThroughTopicsOnly() throws Exception {
        String policy = "it-e2e-" + harness.runId;
        harness.client.createPolicy(LifecycleHarness.spec(policy, 2, REWARD)).get(60, TimeUnit.SECONDS);

        CatalogEntry trained = awaitEntry(policy, e -> "step-0002".equals(e.getServingRevision()));
        assertThat(trained.getRevisions()).extracting(r -> r.getRevision()).containsExactly("step-0001", "step-0002");
        assertThat(trained.getRevisions().get(1).getParentRevision()).isEqualTo("step-0001");
        assertThat(trained.getRevisions().get(1).getEvalScores()).containsKey("reward");
        assertThat(trained.getRevisions().get(1).getSha256()).hasSize(64);

        SamplingParams sampling = SamplingParams.newBuilder().setMaxTokens(4).setTemperature(0).build();
        InferenceResponse before = harness.client.sample(policy, "ab", sampling, null).get(60, TimeUnit.SECONDS);
        assertThat(before.getError()).isNull();
        assertThat(before.getRevision()).isEqualTo("step-0002");

        RollbackResult rollback = harness.client.rollback(policy, null, "it: back to the first revision")
                .get(60, TimeUnit.SECONDS);
        assertThat(rollback.getAccepted()).as(rollback.getReason()).isTrue();
        assertThat(rollback.getToRevision()).isEqualTo("step-0001");

        CatalogEntry rolledBack = awaitEntry(policy, e -> "step-0001".equals(e.getServingRevision()));
        assertThat(rolledBack.getHistory()).extracting(m -> m.getKind())
                .containsExactly(PointerMoveKind.PROMOTE, PointerMoveKind.PROMOTE, PointerMoveKind.ROLLBACK);
        InferenceResponse after = harness.client.sample(policy, "ab", sampling, null).get(60, TimeUnit.SECONDS);
        assertThat(after.getRevision()).isEqualTo("step-0001");
        assertThat(after.getError()).isNull();
    }

    @Test
    void shouldAnswerASampleForAnUnknownPolicyWithAnErrorAndADeadLetterAndKeepServing() throws Exception {
        String ghost = "it-ghost-" + harness.runId;
        InferenceResponse response = harness.client.sample(ghost, "ab",
                SamplingParams.newBuilder().setMaxTokens(2).setTemperature(0).build(), null).get(90, TimeUnit.SECONDS);

        assertThat(response.getError()).contains("unknown policy");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TopicReader.readAll(
                harness.platform.bootstrapServers(), harness.platform.schemaRegistryUrl(), Topics.DEAD_LETTER.name(),
                DeadLetter.class, d -> d.getPolicyId().equals(ghost))).isNotEmpty());
    }

    @Test
    void shouldResumeAPolicyOnAnotherWorkerWithoutRepeatingOrLosingAStep() throws Exception {
        String policy = "it-resume-" + harness.runId;
        int steps = 5;
        PolicySpec spec = LifecycleHarness.spec(policy, steps, REWARD);
        harness.client.createPolicy(spec).get(60, TimeUnit.SECONDS);
        awaitEntry(policy, e -> e.getRevisions().size() >= 2);

        harness.worker.kill(); // as a crash: the request in hand is not committed
        harness.worker = harness.startWorker("worker-b");

        CatalogEntry done = awaitEntry(policy, e -> e.getRevisions().size() == steps
                && e.getRevisions().stream().allMatch(r -> r.getState() != RevisionState.TRAINED
                && r.getState() != RevisionState.EXPORTED));
        // every step exactly once, each trained from the one before it
        assertThat(done.getRevisions()).extracting(r -> r.getStep()).containsExactly(1, 2, 3, 4, 5);
        for (int i = 1; i < steps; i++) {
            assertThat(done.getRevisions().get(i).getParentRevision()).isEqualTo(done.getRevisions().get(i - 1).getRevision());
        }
        List<UpdateResult> updates = TopicReader.readAll(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl(), Topics.UPDATE_RESULTS.name(), UpdateResult.class,
                u -> u.getPolicyId().equals(policy) && u.getError() == null);
        Map<Integer, List<UpdateResult>> byStep = updates.stream().collect(Collectors.groupingBy(UpdateResult::getStep));
        assertThat(byStep.keySet()).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        // a step answered twice (redelivered to the new worker) carries the same event id and loss: it was not retrained
        byStep.forEach((step, results) -> assertThat(results.stream().map(UpdateResult::getEventId).distinct())
                .as("step " + step).hasSize(1));
        byStep.forEach((step, results) -> assertThat(results.stream().map(UpdateResult::getLoss).distinct())
                .as("loss of step " + step).hasSize(1));
        assertThat(updates.stream().map(UpdateResult::getProducedBy).distinct()).as("both workers trained it")
                .anyMatch(w -> w.startsWith("worker-a")).anyMatch(w -> w.startsWith("worker-b"));
        // the new owner continued the saved optimizer: after 5 steps Adam has taken 5 steps, not 5 minus the handover
        java.nio.file.Path last = harness.storeRoot.resolve(policy).resolve("state").resolve("step-0005")
                .resolve("training_state.safetensors");
        try (var state = ai.mint.engine.safetensors.SafetensorsReader.open(last, true)) {
            assertThat(state.metadata()).containsEntry("adam_step", "5").containsEntry("revision", "5");
        }
    }

    @Test
    void shouldCreateTrainSampleAndShowHistoryFromTheCommandLine() throws Exception {
        String policy = "it-cli-" + harness.runId;
        String[] connection = {"--bootstrap-servers", harness.platform.bootstrapServers(),
                "--schema-registry-url", harness.platform.schemaRegistryUrl()};
        assertThat(cli(new ai.mint.client.cli.PolicyCommand(), concat(new String[]{"create", policy, "--base",
                LifecycleHarness.BASE, "--reward", REWARD, "--steps", "1", "--prompts", "ab|cd", "--group-size", "4",
                "--max-tokens", "4", "--rank", "4", "--gate-min-score", "-1000"}, connection))).contains("is in the catalog");
        awaitEntry(policy, e -> "step-0001".equals(e.getServingRevision()));

        assertThat(cli(new ai.mint.client.cli.SampleCommand(), concat(new String[]{policy, "ab", "--max-tokens", "3"},
                connection))).contains(policy + "@step-0001");
        // reads go through the catalog's query API
        String[] catalog = concat(connection, new String[]{"--catalog-url", harness.catalog.queryUrl()});
        String history = cli(new ai.mint.client.cli.PolicyCommand(), concat(new String[]{"history", policy}, catalog));
        assertThat(history).contains("PROMOTE").contains("step-0001").contains("auto-promoted");
        assertThat(cli(new ai.mint.client.cli.PolicyCommand(), concat(new String[]{"list", "--all"}, catalog)))
                .contains(policy);
        assertThat(cli(new ai.mint.client.cli.PolicyCommand(), concat(new String[]{"revisions", policy}, catalog)))
                .contains("step-0001");
    }

    @Test
    void shouldEvaluateOnlyTheAdapterTheCatalogRecordedForTheRevision() throws Exception {
        String policy = "it-sha-" + harness.runId;
        PolicySpec spec = PolicySpec.newBuilder(LifecycleHarness.spec(policy, 1, REWARD)).setTraining(null).build();
        harness.client.createPolicy(spec).get(60, TimeUnit.SECONDS);
        var store = new ai.mint.common.store.FilesystemAdapterStore(harness.storeRoot);
        var model = ai.mint.engine.model.TestModels.microDense();
        java.nio.file.Path dir = harness.dir.resolve("sha-adapter");
        ai.mint.engine.lora.PeftAdapterIo.write(dir, ai.mint.engine.lora.LoraWeights.random(model,
                java.util.EnumSet.of(ai.mint.engine.model.Projection.Q), 4, 8f, 3, true), model);
        var stored = store.put(policy, "sampler", "imported", dir);

        try (CatalogEvents events = new CatalogEvents(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl())) {
            // the revision as an import registers it: trained from the base, exported with its checksum
            events.send(Topics.UPDATE_RESULTS.name(), policy, UpdateResult.newBuilder().setEventId(CatalogEvents.id())
                    .setPolicyId(policy).setTime(java.time.Instant.now()).setCorrelationId(CatalogEvents.id())
                    .setProducedBy("it").setBaseRevision(LifecycleHarness.BASE).setNewRevision("imported").setStep(1)
                    .setLoss(0).setMeanReward(0).setRewardStd(0).setGradNorm(0).setKl(0).setStateUri("").build());
            events.send(Topics.EXPORT_RESULTS.name(), policy, ai.mint.events.ExportResult.newBuilder()
                    .setEventId(CatalogEvents.id()).setPolicyId(policy).setTime(java.time.Instant.now())
                    .setCorrelationId(CatalogEvents.id()).setProducedBy("it").setRevision("imported").setStep(1)
                    .setBaseModel(LifecycleHarness.BASE).setAdapterUri(stored.uri()).setSha256(stored.sha256())
                    .setBytes(stored.bytes()).setRank(4).setAlpha(8).setTargetModules(List.of("q_proj")).build());
            await().atMost(Duration.ofSeconds(60)).until(() -> !TopicReader.readAll(harness.platform.bootstrapServers(),
                    harness.platform.schemaRegistryUrl(), Topics.CATALOG.name(), CatalogEntry.class,
                    e -> e.getPolicyId().equals(policy) && e.getRevisions().stream()
                            .anyMatch(r -> r.getRevision().equals("imported") && r.getSha256() != null)).isEmpty());

            // a forged checksum, the recorded one, and a revision the catalog never heard of
            events.send(Topics.EVAL_REQUESTS.name(), policy, evalRequest(policy, "imported", "forged", stored.uri(),
                    "0".repeat(64)));
            events.send(Topics.EVAL_REQUESTS.name(), policy, evalRequest(policy, "imported", "recorded",
                    stored.uri(), stored.sha256()));
            events.send(Topics.EVAL_REQUESTS.name(), policy, evalRequest(policy, "unheard-of", "unknown",
                    stored.uri(), stored.sha256()));
        }

        List<ai.mint.events.EvalResult> results = await().atMost(Duration.ofSeconds(60)).until(() ->
                TopicReader.readAll(harness.platform.bootstrapServers(), harness.platform.schemaRegistryUrl(),
                        Topics.EVAL_RESULTS.name(), ai.mint.events.EvalResult.class, r -> r.getPolicyId().equals(policy)
                                && List.of("forged", "recorded", "unknown").contains(r.getCorrelationId())),
                l -> l.size() == 3);
        var byCall = results.stream().collect(Collectors.toMap(ai.mint.events.EvalResult::getCorrelationId, r -> r));
        assertThat(byCall.get("forged").getError()).contains("names checksum " + "0".repeat(64))
                .contains(stored.sha256());
        assertThat(byCall.get("recorded").getError()).isNull();
        assertThat(byCall.get("recorded").getScores()).containsKey("reward");
        assertThat(byCall.get("unknown").getError()).contains("has no revision 'unheard-of' in the catalog");
        List<DeadLetter> letters = TopicReader.readAll(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl(), Topics.DEAD_LETTER.name(), DeadLetter.class,
                d -> d.getPolicyId().equals(policy) && d.getSourceTopic().equals(Topics.EVAL_REQUESTS.name()));
        assertThat(letters).hasSize(2);
    }

    @Test
    void shouldDriveAPolicysLifecycleByHand() throws Exception {
        String policy = "it-by-hand-" + harness.runId;
        PolicySpec spec = PolicySpec.newBuilder(LifecycleHarness.spec(policy, 1, REWARD)).setTraining(null).build();
        harness.client.createPolicy(spec).get(60, TimeUnit.SECONDS);
        ai.mint.client.LifecycleClient training = harness.client.lifecycle(policy);

        var rollout = training.sample(LifecycleHarness.BASE, List.of("ab", "cd"), 4,
                SamplingParams.newBuilder().setMaxTokens(5).setTemperature(1.0).setSeed(3L).build()).get(60, TimeUnit.SECONDS);
        assertThat(rollout.getError()).isNull();
        assertThat(rollout.getTrajectories()).hasSize(8);
        var update = training.optimStep(LifecycleHarness.BASE, rollout.getTrajectories(),
                ai.mint.events.AdamParams.newBuilder().setLearningRate(0.05).build(), 1).get(60, TimeUnit.SECONDS);
        assertThat(update.getError()).isNull();
        assertThat(update.getNewRevision()).isEqualTo("step-0001");
        var exported = training.saveWeightsForSampler(update).get(60, TimeUnit.SECONDS);
        assertThat(exported.getSha256()).hasSize(64);
        var eval = training.evaluate(exported, spec.getEval()).get(60, TimeUnit.SECONDS);
        assertThat(eval.getScores()).containsKey("reward");

        awaitEntry(policy, e -> "step-0001".equals(e.getServingRevision()));
        InferenceResponse pinned = training.samplingClient("step-0001")
                .sample("ab", SamplingParams.newBuilder().setMaxTokens(3).setTemperature(0).build())
                .get(60, TimeUnit.SECONDS);
        assertThat(pinned.getRevision()).isEqualTo("step-0001");

    }

    @Test
    void shouldRollBackAutomaticallyWhenTheServedRevisionsLiveRewardRegresses() throws Exception {
        String policy = "it-guard-" + harness.runId;
        // the live reward of every response is 0 (no completion contains this), far below the eval score of 1
        PolicySpec spec = PolicySpec.newBuilder(LifecycleHarness.spec(policy, 1, "{\"type\":\"contains\",\"text\":\"@@@@\"}"))
                .setTraining(null)
                .setRegressionGuard(ai.mint.events.RegressionGuard.newBuilder().setMetric("reward").setMaxDrop(0.5)
                        .setWindow(3).build())
                .build();
        harness.client.createPolicy(spec).get(60, TimeUnit.SECONDS);
        var store = new ai.mint.common.store.FilesystemAdapterStore(harness.storeRoot);
        var model = ai.mint.engine.model.TestModels.microDense();
        try (CatalogEvents events = new CatalogEvents(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl())) {
            for (int step = 1; step <= 2; step++) {
                java.nio.file.Path dir = harness.dir.resolve("guard-" + step);
                ai.mint.engine.lora.PeftAdapterIo.write(dir, ai.mint.engine.lora.LoraWeights.random(model,
                        java.util.EnumSet.of(ai.mint.engine.model.Projection.Q), 4, 8f, step, true), model);
                var stored = store.put(policy, "sampler", "step-000" + step, dir);
                events.revision(policy, step, 1.0, stored.uri(), stored.sha256());
            }
        }
        awaitEntry(policy, e -> "step-0002".equals(e.getServingRevision()));

        SamplingParams sampling = SamplingParams.newBuilder().setMaxTokens(3).setTemperature(0).build();
        for (int i = 0; i < 3; i++) {
            assertThat(harness.client.sample(policy, "ab", sampling, null).get(60, TimeUnit.SECONDS).getRevision())
                    .isEqualTo("step-0002");
        }

        CatalogEntry rolledBack = awaitEntry(policy, e -> "step-0001".equals(e.getServingRevision()));
        var move = rolledBack.getHistory().get(rolledBack.getHistory().size() - 1);
        assertThat(move.getKind()).isEqualTo(PointerMoveKind.ROLLBACK);
        assertThat(move.getReason()).contains("regression guard").contains("step-0002");
        assertThat(harness.client.sample(policy, "ab", sampling, null).get(60, TimeUnit.SECONDS).getRevision())
                .isEqualTo("step-0001");
    }

    @Test
    void shouldPublishHeartbeatsWithTheWorkersRolesAndBase() {
        String workerId = harness.worker.config().workerId;
        var statuses = await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readAll(
                harness.platform.bootstrapServers(), harness.platform.schemaRegistryUrl(),
                Topics.WORKER_STATUS.name(), ai.mint.events.WorkerStatus.class,
                w -> w.getWorkerId().equals(workerId)), l -> !l.isEmpty());
        var last = statuses.get(statuses.size() - 1);
        assertThat(last.getRoles()).containsExactlyInAnyOrder("rollout", "update", "export", "eval", "inference",
                "training");
        assertThat(last.getBaseModel()).isEqualTo(LifecycleHarness.BASE);
        assertThat(last.getCapacityBytes()).isPositive();
    }

    private static ai.mint.events.EvalRequest evalRequest(String policy, String revision, String correlation,
                                                          String uri, String sha) {
        return ai.mint.events.EvalRequest.newBuilder().setEventId(CatalogEvents.id()).setPolicyId(policy)
                .setTime(java.time.Instant.now()).setCorrelationId(correlation).setProducedBy("it")
                .setRevision(revision).setAdapterUri(uri).setSha256(sha)
                .setEval(ai.mint.events.EvalSpec.newBuilder().setPrompts(List.of("ab")).setSamplesPerPrompt(2)
                        .setMetric("reward").build())
                .build();
    }

    /** Runs a client command as `mint` would and returns what it printed; a failing exit code fails the test. */
    private static String cli(Object command, String... args) {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        int code;
        System.setOut(new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            code = new picocli.CommandLine(command).execute(args);
        } finally {
            System.setOut(saved);
        }
        String printed = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).as("exit code of %s, which printed %s", String.join(" ", args), printed).isZero();
        return printed;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private CatalogEntry awaitEntry(String policy, java.util.function.Predicate<CatalogEntry> condition) {
        return await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> harness.client.policy(policy).filter(condition).orElse(null), e -> e != null);
    }

}
