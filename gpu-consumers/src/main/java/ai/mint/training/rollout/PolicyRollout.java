package ai.mint.training.rollout;

import ai.mint.training.service.Policy;

import java.util.List;

/**
 * Sampling work for one policy: {@code groupSize} completions of each prompt, at most {@code maxTokens} tokens at
 * {@code temperature} (1.0 keeps the sampling log-probs equal to the policy's own, which the importance ratio needs).
 */
public record PolicyRollout(Policy policy, List<Prompt> prompts, int groupSize, int maxTokens, double temperature) {

    public PolicyRollout {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("policy " + policy.policyId() + ": rollout needs at least one prompt");
        }
        if (groupSize < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("policy " + policy.policyId() + ": groupSize and maxTokens must be >= 1, got "
                    + groupSize + ", " + maxTokens);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("policy " + policy.policyId() + ": temperature must be > 0, got " + temperature);
        }
        prompts = List.copyOf(prompts);
    }
}
