package ai.mint.training.reward;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RewardScorerTest {

    /** Misbehaves according to the completion text, so one batch exercises every failure. */
    private static final RewardFunction MISBEHAVING = new RewardFunction() {
        @Override
        public double score(RewardInput input) throws Exception {
            return switch (input.completion()) {
                case "throw" -> throw new IllegalStateException("judge crashed");
                case "hang" -> {
                    Thread.sleep(10_000);
                    yield 1.0;
                }
                case "nan" -> Double.NaN;
                case "inf" -> Double.POSITIVE_INFINITY;
                default -> input.completion().length();
            };
        }

        @Override
        public String describe() {
            return "misbehaving";
        }
    };

    @Test
    void shouldMarkThrowingHangingAndNonFiniteRewardsFailedWithAReasonAndKeepTheRest() {
        List<RewardInput> inputs = List.of("ok", "throw", "hang", "nan", "inf", "fine").stream()
                .map(c -> RewardInput.of("p", c, 1)).toList();
        long start = System.nanoTime();
        List<RewardOutcome> outcomes;
        try (RewardScorer scorer = new RewardScorer(Duration.ofMillis(300))) {
            outcomes = scorer.scoreAll(MISBEHAVING, inputs);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(outcomes.get(0).value()).isEqualTo(2.0);
        assertThat(outcomes.get(1).failureReason()).contains("IllegalStateException").contains("judge crashed");
        assertThat(outcomes.get(2).failureReason()).contains("timed out after 300 ms");
        assertThat(outcomes.get(3).failureReason()).contains("NaN");
        assertThat(outcomes.get(4).failureReason()).contains("Infinity");
        assertThat(outcomes.get(5).value()).isEqualTo(4.0);
        assertThat(outcomes).filteredOn(o -> !o.failed()).allMatch(o -> Double.isFinite(o.value()));
    }

    @Test
    void shouldTimeOutAnExternalRewardThatNeverAnswers() {
        ExternalRewardClient silent = (evaluator, input) -> new CompletableFuture<>();
        RewardFunction reward = RewardSpecs.parse("{\"type\":\"external\",\"evaluator\":\"judge\",\"timeout_ms\":100}", silent);
        try (RewardScorer scorer = new RewardScorer(Duration.ofSeconds(5))) {
            RewardOutcome outcome = scorer.scoreAll(reward, List.of(RewardInput.of("p", "x", 1))).get(0);
            assertThat(outcome.failed()).isTrue();
            assertThat(outcome.failureReason()).contains("timed out");
        }
    }

    @Test
    void shouldFailAWeightedRewardWhenOneTermFails() {
        ExternalRewardClient broken = (evaluator, input) -> CompletableFuture.failedFuture(new RuntimeException("503"));
        RewardFunction reward = RewardSpecs.parse("{\"type\":\"weighted\",\"terms\":["
                + "{\"weight\":1,\"reward\":{\"type\":\"contains\",\"text\":\"x\"}},"
                + "{\"weight\":1,\"reward\":{\"type\":\"external\",\"evaluator\":\"judge\"}}]}", broken);
        try (RewardScorer scorer = new RewardScorer(Duration.ofSeconds(2))) {
            RewardOutcome outcome = scorer.scoreAll(reward, List.of(RewardInput.of("p", "x", 1))).get(0);
            assertThat(outcome.failureReason()).contains("503");
        }
    }

    @Test
    void shouldInterruptTheThreadOfARewardThatOutlivesItsDeadline() {
        AtomicInteger interrupted = new AtomicInteger();
        RewardFunction sleeper = new RewardFunction() {
            @Override
            public double score(RewardInput input) throws Exception {
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                }
                return 1;
            }

            @Override
            public String describe() {
                return "sleeper";
            }
        };
        try (RewardScorer scorer = new RewardScorer(Duration.ofMillis(200), 2)) {
            List<RewardOutcome> outcomes = scorer.scoreAll(sleeper, List.of(RewardInput.of("p", "a", 1),
                    RewardInput.of("p", "b", 1)));
            assertThat(outcomes).allMatch(o -> o.failureReason().contains("timed out"));
            // both running rewards were interrupted, so their threads are free again instead of sleeping 30 s
            await().atMost(5, TimeUnit.SECONDS).until(() -> interrupted.get() == 2 && scorer.stuckThreads() == 0);
            assertThat(scorer.scoreAll(new ContainsReward("a", false), List.of(RewardInput.of("p", "a", 1))).get(0).value())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldCapTheThreadsHeldByRewardsThatIgnoreInterruption() {
        AtomicBoolean release = new AtomicBoolean();
        RewardFunction stubborn = new RewardFunction() {
            @Override
            public double score(RewardInput input) {
                while (!release.get()) {
                    Thread.interrupted(); // swallows the scorer's interrupt, as a badly written reward would
                    LockSupport.parkNanos(1_000_000);
                }
                return 1;
            }

            @Override
            public String describe() {
                return "stubborn";
            }
        };
        try (RewardScorer scorer = new RewardScorer(Duration.ofMillis(200), 2)) {
            List<RewardInput> three = List.of(RewardInput.of("p", "a", 1), RewardInput.of("p", "b", 1),
                    RewardInput.of("p", "c", 1));
            assertThat(scorer.scoreAll(stubborn, three)).allMatch(RewardOutcome::failed);
            assertThat(scorer.stuckThreads()).isEqualTo(2);
            assertThat(scorer.liveThreads()).isLessThanOrEqualTo(2);
            // with every thread stuck the scorer answers at once instead of queueing behind them
            List<RewardOutcome> refused = scorer.scoreAll(new ContainsReward("a", false), List.of(RewardInput.of("p", "a", 1)));
            assertThat(refused.get(0).failureReason()).contains("stuck");
            assertThat(scorer.liveThreads()).isLessThanOrEqualTo(2);

            release.set(true);
            await().atMost(5, TimeUnit.SECONDS).until(() -> scorer.stuckThreads() == 0);
            assertThat(scorer.scoreAll(new ContainsReward("a", false), List.of(RewardInput.of("p", "a", 1))).get(0).value())
                    .isEqualTo(1.0);
        }
    }
}
