package ai.mint.training.rl;

import ai.mint.api.AdamConfig;
import ai.mint.api.LossConfig;
import ai.mint.training.grpo.GroupAdvantages;

/**
 * Per-policy GRPO settings: completions per prompt, completion length, sampling temperature, the PPO clip and KL
 * weight, Adam (the peak learning rate; the policy's own schedule scales it per step) and the epsilon of the group
 * normalisation.
 */
public record GrpoConfig(int groupSize, int maxTokens, double temperature, LossConfig loss, AdamConfig adam,
                         double advantageEpsilon) {

    public GrpoConfig {
        if (groupSize < 2) {
            throw new IllegalArgumentException("GRPO needs groupSize >= 2 (advantages are relative to the group), got "
                    + groupSize);
        }
    }

    public static GrpoConfig of(int groupSize, int maxTokens, double learningRate) {
        return new GrpoConfig(groupSize, maxTokens, 1.0, LossConfig.DEFAULT, AdamConfig.of(learningRate),
                GroupAdvantages.DEFAULT_EPSILON);
    }

    public GrpoConfig withLoss(LossConfig l) {
        return new GrpoConfig(groupSize, maxTokens, temperature, l, adam, advantageEpsilon);
    }
}
