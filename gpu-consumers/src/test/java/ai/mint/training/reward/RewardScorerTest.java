package ai.mint.training.reward;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

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
}
