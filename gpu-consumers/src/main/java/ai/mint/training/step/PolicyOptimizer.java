package ai.mint.training.step;

import ai.mint.api.AdamConfig;
import ai.mint.training.grpo.AdamOptimizer;

/**
 * Applies one policy's accumulated gradients with its own Adam state, clears them and advances its revision. Runs
 * outside any gradient collector.
 */
public final class PolicyOptimizer {

    private PolicyOptimizer() {
    }

    public static AdamOptimizer.StepStats step(PolicyState policy, AdamConfig params) {
        if (policy.accumulatedGradients().isEmpty()) {
            throw new IllegalStateException("policy " + policy.policyId()
                    + ": optimizer step without a forward/backward since the last one");
        }
        AdamOptimizer.StepStats stats =
                AdamOptimizer.step(policy.adam(), policy.parameters(), policy.accumulatedGradients(), params);
        policy.clearGradients();
        if (stats.clipScale() > 0) { // a skipped (non-finite) step leaves the weights, so the revision stays too
            policy.advanceRevision();
        }
        return stats;
    }
}
