package ai.mint.training.rl;

import ai.mint.training.reward.RewardFunction;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.step.PolicyState;

import java.util.List;

/** A policy under GRPO: its trainable state, its reward, the prompts of its task and its settings. */
public record GrpoPolicy(PolicyState state, RewardFunction reward, List<Prompt> prompts, GrpoConfig config) {

    public GrpoPolicy {
        prompts = List.copyOf(prompts);
    }
}
