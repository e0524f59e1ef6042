package ai.mint.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.PromotionGate;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GateVerdictTest {

    private static final PromotionGate GATE = PromotionGate.newBuilder()
            .setMetric("pass_rate").setMinScore(0.5).setMinImprovement(0.1).build();

    private static Optional<RevisionInfo> serving(Double score) {
        if (score == null) {
            return Optional.empty();
        }
        return Optional.of(RevisionInfo.newBuilder().setRevision("r1").setStep(1).setRank(4)
                .setState(RevisionState.SERVING).setEvalScores(Map.of("pass_rate", score))
                .setCreatedAt(Instant.EPOCH).setProducedBy("w").build());
    }

    @ParameterizedTest(name = "score {0} vs serving {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "0.49, none, false",   // below min_score
            "0.50, none, true",    // exactly min_score, nothing to beat
            "0.60, 0.50, true",    // +0.1 counts despite 0.6 - 0.5 = 0.0999... in doubles
            "0.59, 0.50, false",   // +0.09 is not enough
            "0.90, 0.95, false",   // worse than serving
    })
    void shouldPassOnlyAboveMinScoreAndMinImprovement(double score, Double servingScore, boolean expected) {
        GateVerdict verdict = GateVerdict.judge(GATE, Map.of("pass_rate", score), serving(servingScore));
        assertThat(verdict.passed()).as(verdict.explanation()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"mean_reward", "PASS_RATE"})
    void shouldFailWhenEvalDidNotReportGateMetric(String reported) {
        GateVerdict verdict = GateVerdict.judge(GATE, Map.of(reported, 1.0), Optional.empty());
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.explanation()).startsWith("eval reported no pass_rate");
    }
}
