package ai.mint.orchestration;

import ai.mint.events.PolicySpec;
import ai.mint.events.PolicyStatus;
import java.util.List;

/**
 * The parts of a policy's spec that drive its training loop, copied from the catalog so that the loop state is a
 * self-contained JSON value. {@code evalMetric} null: the policy has no eval spec; {@code guardMetric} null: no
 * regression guard; {@code feedback} null: the policy does not train on its users' feedback.
 */
public record LoopSpec(
        String specEventId,
        String baseModel,
        boolean active,
        boolean training,
        List<String> prompts,
        int groupSize,
        int steps,
        double learningRate,
        int maxTokens,
        double temperature,
        long seed,
        List<String> evalPrompts,
        int evalSamplesPerPrompt,
        String evalMetric,
        String guardMetric,
        double guardMaxDrop,
        int guardWindow,
        Feedback feedback) {

    /** The spec's {@code feedback_training}: batch, optimiser, clip of the importance ratio, buffer bound. */
    public record Feedback(int batchSize, double learningRate, double clipEpsilon, double klCoef, int maxBuffered) {
    }

    public static LoopSpec of(PolicySpec spec) {
        var t = spec.getTraining();
        var e = spec.getEval();
        var g = spec.getRegressionGuard();
        var f = spec.getFeedbackTraining();
        return new LoopSpec(
                spec.getEventId(),
                spec.getBaseModel(),
                spec.getStatus() == PolicyStatus.ACTIVE,
                t != null,
                t == null ? List.of() : List.copyOf(t.getPrompts()),
                t == null ? 0 : t.getGroupSize(),
                t == null ? 0 : t.getSteps(),
                t == null ? 0 : t.getLearningRate(),
                t == null ? 0 : t.getMaxTokens(),
                t == null ? 0 : t.getTemperature(),
                t == null ? 0 : t.getSeed(),
                e == null ? List.of() : List.copyOf(e.getPrompts()),
                e == null ? 0 : e.getSamplesPerPrompt(),
                e == null ? null : e.getMetric(),
                g == null ? null : g.getMetric(),
                g == null ? 0 : g.getMaxDrop(),
                g == null ? 0 : g.getWindow(),
                f == null ? null : new Feedback(f.getBatchSize(), f.getLearningRate(), f.getClipEpsilon(),
                        f.getKlCoef(), f.getMaxBuffered()));
    }
}
