package ai.mint.catalog.internal;

import ai.mint.events.PromotionGate;
import ai.mint.events.RevisionInfo;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The decision of a policy's promotion gate on one evaluated revision: it passes when its score on the gate's metric
 * reaches min_score and beats the serving revision's score on that metric by min_improvement.
 *
 * @param passed      whether the revision may be promoted
 * @param explanation the figures behind the decision, for results and logs
 */
public record GateVerdict(boolean passed, String explanation) {

    private static final double TOLERANCE = 1e-9;

    /** Judges scores against the gate, given the revision serving now (if any). */
    public static GateVerdict judge(PromotionGate gate, Map<String, Double> scores, Optional<RevisionInfo> serving) {
        Double score = scores.get(gate.getMetric());
        if (score == null || score.isNaN()) {
            return new GateVerdict(false, "eval reported no " + gate.getMetric() + " (scores: " + scores.keySet() + ")");
        }
        if (score < gate.getMinScore()) {
            return new GateVerdict(false, String.format(Locale.ROOT, "%s %.4f < min_score %.4f",
                    gate.getMetric(), score, gate.getMinScore()));
        }
        Double servingScore = serving.map(r -> r.getEvalScores().get(gate.getMetric())).orElse(null);
        if (servingScore == null) {
            String against = serving.map(r -> "serving " + r.getRevision() + " has no " + gate.getMetric())
                    .orElse("nothing serving");
            return new GateVerdict(true, String.format(Locale.ROOT, "%s %.4f >= min_score %.4f, %s",
                    gate.getMetric(), score, gate.getMinScore(), against));
        }
        double improvement = score - servingScore;
        // scores are sums of floats: 0.6 - 0.5 must count as an improvement of 0.1
        boolean improved = improvement + TOLERANCE >= gate.getMinImprovement();
        return new GateVerdict(improved, String.format(Locale.ROOT,
                "%s %.4f >= min_score %.4f, %+.4f over serving %s %s min_improvement %.4f",
                gate.getMetric(), score, gate.getMinScore(), improvement, serving.get().getRevision(),
                improved ? ">=" : "<", gate.getMinImprovement()));
    }
}
