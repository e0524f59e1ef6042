package ai.mint.training.rl;

import ai.mint.training.reward.RewardFunction;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.service.Policy;

import java.util.List;

/** A policy under GRPO: its trained state, its reward, the prompts of its task and its settings. */
public record GrpoPolicy(Policy state, RewardFunction reward, List<Prompt> prompts, GrpoConfig config) {

    public GrpoPolicy {
        prompts = List.copyOf(prompts);
    }
}
