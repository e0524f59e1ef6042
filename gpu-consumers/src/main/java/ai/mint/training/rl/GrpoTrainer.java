package ai.mint.training.rl;

import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossFunction;
import ai.mint.api.OptimStepResult;
import ai.mint.training.grpo.GrpoData;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.rollout.PolicyRollout;
import ai.mint.training.rollout.RolloutSample;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One GRPO step for K policies through the {@link TrainingService}: the rollouts of all K in one generation batch,
 * rewards, group advantages ({@link GrpoData}), the K forward/backwards queued together (so the service runs them as
 * one K-policy step), then each policy's own optimizer step (with its schedule). Samples whose reward failed are left
 * out of the loss and of their group's statistics; a policy whose samples all failed skips its update. Stepping one
 * policy per call, policy after policy, is the sequential baseline of the same work.
 */
public final class GrpoTrainer {

    private final TrainingService service;
    private final RolloutSampler sampler;
    private final RewardScorer scorer;

    public GrpoTrainer(TrainingService service, RewardScorer scorer) {
        this.service = service;
        this.sampler = new RolloutSampler(service);
        this.scorer = scorer;
    }

    /** Runs one step for all {@code policies} together; reports come back in the same order. */
    public List<GrpoStepReport> step(List<GrpoPolicy> policies) {
        List<PolicyRollout> requests = policies.stream().map(p -> new PolicyRollout(p.state(), p.prompts(),
                p.config().groupSize(), p.config().maxTokens(), p.config().temperature())).toList();
        List<List<RolloutSample>> rollouts = sampler.sample(requests);

        List<TrainingBatch> work = new ArrayList<>();
        List<GrpoPolicy> trained = new ArrayList<>();
        Map<Integer, Integer> workIndex = new HashMap<>();
        List<List<RewardOutcome>> outcomes = new ArrayList<>();
        for (int k = 0; k < policies.size(); k++) {
            GrpoPolicy policy = policies.get(k);
            List<RolloutSample> trajectories = rollouts.get(k);
            List<RewardOutcome> rewards = scorer.scoreAll(policy.reward(), trajectories.stream()
                    .map(t -> new RewardInput(policy.prompts().get(t.promptIndex()).text(), t.text(),
                            t.completion().length, policy.prompts().get(t.promptIndex()).reference()))
                    .toList());
            outcomes.add(rewards);
            List<Datum> data = GrpoData.toData(samples(trajectories, rewards), policy.config().advantageEpsilon());
            if (!data.isEmpty()) {
                workIndex.put(k, work.size());
                work.add(new TrainingBatch(policy.state(), data, LossFunction.GRPO, policy.config().loss()));
                trained.add(policy);
            }
        }
        List<CompletableFuture<ForwardBackwardOutput>> steps = service.forwardBackwardAll(work);
        List<CompletableFuture<OptimStepResult>> optims = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) { // queued behind the step, no wait between
            optims.add(service.optimStep(work.get(i).policy(), trained.get(i).config().adam()));
        }
        List<GrpoStepReport> reports = new ArrayList<>();
        for (int k = 0; k < policies.size(); k++) {
            Integer w = workIndex.get(k);
            double loss = w == null ? 0.0 : steps.get(w).join().loss();
            OptimStepResult stats = w == null ? null : optims.get(w).join();
            reports.add(report(policies.get(k), rollouts.get(k).get(0).revision(), outcomes.get(k), loss, stats));
        }
        return reports;
    }

    /** The trajectories as GRPO samples: groups are prompts. */
    static List<GrpoData.Sample> samples(List<RolloutSample> trajectories, List<RewardOutcome> rewards) {
        List<GrpoData.Sample> out = new ArrayList<>(trajectories.size());
        for (int i = 0; i < trajectories.size(); i++) {
            RolloutSample t = trajectories.get(i);
            out.add(new GrpoData.Sample(t.promptIndex(), t.promptTokens(), t.completion(), t.logprobs(),
                    rewards.get(i)));
        }
        return out;
    }

    private static GrpoStepReport report(GrpoPolicy policy, long sampled, List<RewardOutcome> rewards, double loss,
                                         OptimStepResult stats) {
        double sum = 0;
        int ok = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < rewards.size(); i++) {
            RewardOutcome o = rewards.get(i);
            if (o.failed()) {
                failures.add("sample " + i + ": " + o.failureReason());
            } else {
                sum += o.value();
                ok++;
            }
        }
        return new GrpoStepReport(policy.state().policyId(), sampled, policy.state().revision(),
                ok == 0 ? 0.0 : sum / ok, rewards.size(), failures, stats != null, loss,
                stats == null ? 0.0 : stats.gradNorm(), stats == null ? 0.0 : stats.learningRate());
    }
}
