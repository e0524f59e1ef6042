package ai.mint.training.grpo;

import ai.mint.training.reward.RewardOutcome;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Group-relative advantages, GRPO's replacement for a value function: each sample's reward minus the mean of its
 * prompt group, divided by the group's standard deviation plus epsilon. Failed samples take no part in their group's
 * statistics and get advantage 0 (they are also masked out of the loss), so a failed reward can never make a number
 * NaN. The standard deviation is the population one (divide by n), which is defined for a group of one.
 */
public final class GroupAdvantages {

    /** The usual epsilon in the denominator. */
    public static final double DEFAULT_EPSILON = 1e-4;

    private GroupAdvantages() {
    }

    /**
     * @param outcomes one reward per sample
     * @param groupOf  for each sample, the id of its prompt group (samples of one prompt share an id)
     * @param epsilon  added to the group std; must be > 0
     * @return one advantage per sample, 0 for failed samples
     */
    public static double[] compute(List<RewardOutcome> outcomes, int[] groupOf, double epsilon) {
        if (outcomes.size() != groupOf.length) {
            throw new IllegalArgumentException(outcomes.size() + " rewards but " + groupOf.length + " group ids");
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        Map<Integer, double[]> stats = new HashMap<>(); // group -> {n, sum, sumSq}
        for (int i = 0; i < groupOf.length; i++) {
            RewardOutcome o = outcomes.get(i);
            if (!o.failed()) {
                double[] s = stats.computeIfAbsent(groupOf[i], g -> new double[3]);
                s[0]++;
                s[1] += o.value();
                s[2] += o.value() * o.value();
            }
        }
        double[] advantages = new double[groupOf.length];
        for (int i = 0; i < groupOf.length; i++) {
            RewardOutcome o = outcomes.get(i);
            if (o.failed()) {
                continue;
            }
            double[] s = stats.get(groupOf[i]);
            double mean = s[1] / s[0];
            double variance = Math.max(0.0, s[2] / s[0] - mean * mean);
            advantages[i] = (o.value() - mean) / (Math.sqrt(variance) + epsilon);
        }
        return advantages;
    }
}
