package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.common.metrics.MetricsConfig;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalSpec;
import ai.mint.events.Feedback;
import ai.mint.events.FeedbackExample;
import ai.mint.events.FeedbackTraining;
import ai.mint.events.InferenceResponse;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.RevisionState;
import ai.mint.events.RolloutResult;
import ai.mint.events.SamplingParams;
import ai.mint.events.Trajectory;
import ai.mint.feedback.FeedbackConfig;
import ai.mint.feedback.FeedbackJoinApp;
import ai.mint.it.SharedPlatform;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Training from live feedback on the real broker and registry: simulated users rate what the serving revision
 * answers through the Java client (+1 when the completion contains "7", -1 otherwise) with {@code Feedback} records,
 * the feedback join turns each into a {@code FeedbackExample} (the response's tokens, log-probs and revision), the
 * orchestrator trains the policy off-policy on each full batch, and every revision goes through export, eval and the
 * catalog's gate before it serves the next round. Before the first revision nothing serves: the first ratings are of
 * the base's rollouts, which no response carries, so the test writes their FeedbackExamples itself.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedbackTrainingIT {

    private static final List<String> PROMPTS = List.of("Q: a", "Q: b", "Q: c", "Q: d");
    private static final int PER_PROMPT = 16;
    private static final int ROUNDS = 8;
    private LifecycleHarness harness;
    private KafkaStreams join;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new LifecycleHarness(platform, 10f);
        join = FeedbackJoinApp.start(new FeedbackConfig(Map.of(
                FeedbackConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                FeedbackConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                FeedbackConfig.APPLICATION_ID, "it-feedback-join-" + harness.runId,
                FeedbackConfig.STATE_DIR, harness.dir.resolve("feedback-state").toString(),
                FeedbackConfig.GRACE_MS, 30_000L,
                MetricsConfig.PORT, -1)));
    }

    @AfterAll
    void stop() throws Exception {
        join.close(Duration.ofSeconds(30));
        harness.close();
    }

    @Test
    void shouldRaiseTheLiveRateOfSevenFromUsersFeedbackAcrossPromotedRevisions() throws Exception {
        String policy = "it-feedback-" + harness.runId;
        int batch = PROMPTS.size() * PER_PROMPT;
        harness.client.createPolicy(spec(policy, batch)).get(60, TimeUnit.SECONDS);

        double[] rates = new double[ROUNDS + 1];
        try (CatalogEvents users = new CatalogEvents(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl())) {
            // nothing serves before the first revision: the first ratings are of the base's own rollouts
            RolloutResult base = harness.client.lifecycle(policy).sample(LifecycleHarness.BASE, PROMPTS, PER_PROMPT,
                    sampling(1)).get(120, TimeUnit.SECONDS);
            assertThat(base.getError()).isNull();
            int sent = 0;
            int sevens = 0;
            for (Trajectory t : base.getTrajectories()) {
                sevens += t.getCompletionText().contains("7") ? 1 : 0;
                if (!t.getCompletionTokens().isEmpty()) {
                    users.send(Topics.FEEDBACK_EXAMPLES.name(), policy, example(policy, "round-0-" + sent++,
                            LifecycleHarness.BASE, t.getPromptTokens(), t.getCompletionTokens(), t.getLogprobs(),
                            t.getCompletionText()));
                }
            }
            rates[0] = sevens / (double) base.getTrajectories().size();
            sent = topUp(users, policy, 0, sent, batch);

            for (int round = 1; round <= ROUNDS; round++) {
                String revision = String.format(Locale.ROOT, "step-%04d", round);
                CatalogEntry entry = awaitEntry(policy, e -> revision.equals(e.getServingRevision()));
                assertThat(entry.getRevisions()).filteredOn(r -> r.getRevision().equals(revision))
                        .extracting(r -> r.getEvalScores().containsKey("reward")).containsExactly(true);
                List<InferenceResponse> served = serve(policy, round);
                rates[round] = served.stream().filter(r -> r.getCompletionText().contains("7")).count()
                        / (double) served.size();
                if (round == ROUNDS) {
                    break;
                }
                sent = 0;
                for (InferenceResponse r : served) {
                    assertThat(r.getRevision()).isEqualTo(revision);
                    if (!r.getCompletionTokens().isEmpty()) {
                        users.send(Topics.FEEDBACK.name(), policy, feedback(policy, r));
                        sent++;
                    }
                }
                topUp(users, policy, round, sent, batch);
            }
        }
        System.out.println("live rate of 7 per served revision (round 0 = the base): "
                + java.util.Arrays.toString(rates));
        CatalogEntry done = harness.client.policy(policy).orElseThrow();
        assertThat(done.getRevisions()).extracting(r -> r.getState()).doesNotContain(RevisionState.EVAL_FAILED);
        assertThat(done.getServingRevision()).isEqualTo(String.format(Locale.ROOT, "step-%04d", ROUNDS));
        assertThat(rates[ROUNDS]).isGreaterThan(rates[0] + 0.3);
    }

    /** A round of answers from the serving revision through the client, one request per completion. */
    private List<InferenceResponse> serve(String policy, int round) throws Exception {
        List<CompletableFuture<InferenceResponse>> pending = new ArrayList<>();
        for (int p = 0; p < PROMPTS.size(); p++) {
            for (int i = 0; i < PER_PROMPT; i++) {
                pending.add(harness.client.sample(policy, PROMPTS.get(p), sampling(round * 10_000L + p * 100L + i),
                        null));
            }
        }
        List<InferenceResponse> out = new ArrayList<>();
        for (CompletableFuture<InferenceResponse> f : pending) {
            InferenceResponse r = f.get(120, TimeUnit.SECONDS);
            assertThat(r.getError()).isNull();
            out.add(r);
        }
        return out;
    }

    /** Empty completions cannot be rated: more answers from the same revision until the batch is full. */
    private int topUp(CatalogEvents users, String policy, int round, int sent, int batch) throws Exception {
        int extra = 0;
        while (sent < batch) {
            InferenceResponse r = round == 0 ? null : harness.client.sample(policy, PROMPTS.get(sent % PROMPTS.size()),
                    sampling(990_000L + round * 1000L + extra++), null).get(120, TimeUnit.SECONDS);
            if (r == null) { // the base: another rollout row
                Trajectory t = harness.client.lifecycle(policy).sample(LifecycleHarness.BASE,
                        List.of(PROMPTS.get(sent % PROMPTS.size())), 1, sampling(990_000L + extra++))
                        .get(120, TimeUnit.SECONDS).getTrajectories().get(0);
                if (!t.getCompletionTokens().isEmpty()) {
                    users.send(Topics.FEEDBACK_EXAMPLES.name(), policy, example(policy, "round-0-" + sent++,
                            LifecycleHarness.BASE, t.getPromptTokens(), t.getCompletionTokens(), t.getLogprobs(),
                            t.getCompletionText()));
                }
            } else if (!r.getCompletionTokens().isEmpty()) {
                users.send(Topics.FEEDBACK.name(), policy, feedback(policy, r));
                sent++;
            }
        }
        return sent;
    }

    /** A user's thumbs up or down on a served response. */
    private static Feedback feedback(String policy, InferenceResponse r) {
        return Feedback.newBuilder().setEventId(policy + "-feedback-" + r.getRequestId()).setPolicyId(policy)
                .setTime(Instant.now()).setRequestId(r.getRequestId()).setTenant(null)
                .setScore(r.getCompletionText().contains("7") ? 1.0 : -1.0).setPreferredCompletion(null)
                .setSource("it-users").build();
    }

    /** What the join writes for a rated response, for the base's rollouts that no response carries. */
    private static FeedbackExample example(String policy, String id, String revision, List<Integer> prompt,
                                           List<Integer> completion, List<Float> logprobs, String text) {
        return FeedbackExample.newBuilder().setEventId(policy + "-" + id).setPolicyId(policy).setTime(Instant.now())
                .setRequestId(id).setRevision(revision).setPromptTokens(prompt).setCompletionTokens(completion)
                .setLogprobs(logprobs).setReward(text.contains("7") ? 1.0 : -1.0)
                .setFeedbackTime(System.currentTimeMillis()).setPreferredCompletion(null).build();
    }

    private static SamplingParams sampling(long seed) {
        return SamplingParams.newBuilder().setMaxTokens(8).setTemperature(1.0).setSeed(seed).build();
    }

    /** Trained only from feedback; eval measures the rate of "7" on the prompts; any evaluated revision passes. */
    private static PolicySpec spec(String policy, int batch) {
        return PolicySpec.newBuilder()
                .setEventId("set-by-client").setPolicyId(policy).setTime(Instant.now())
                .setBaseModel(LifecycleHarness.BASE)
                .setLora(LoraSpec.newBuilder().setRank(8).setAlpha(16).setTargetModules(List.of("q_proj", "k_proj",
                        "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"7\"}")
                .setEval(EvalSpec.newBuilder().setPrompts(PROMPTS).setSamplesPerPrompt(4).setMetric("reward").build())
                .setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(-1e9).setMinImprovement(-1e9)
                        .build())
                .setFeedbackTraining(FeedbackTraining.newBuilder().setBatchSize(batch).setLearningRate(1.5e-2)
                        .setClipEpsilon(0.2).build())
                .build();
    }

    private CatalogEntry awaitEntry(String policy, java.util.function.Predicate<CatalogEntry> condition) {
        return await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> harness.client.policy(policy).filter(condition).orElse(null), e -> e != null);
    }
}
