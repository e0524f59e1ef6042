package ai.mint.training.rl;

import java.util.List;

/**
 * What one GRPO step did for one policy: the revision that sampled and the one it produced, the mean reward of the
 * samples that have one, how many samples failed (with their reasons), whether the policy was updated (not when
 * every sample failed), and the loss and optimizer figures (0 when not updated).
 */
public record GrpoStepReport(String policyId, long sampledRevision, long newRevision, double meanReward,
                             int samples, List<String> failures, boolean updated, double loss, double gradNorm,
                             double learningRate) {
}
