package ai.mint.training.rl;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossFunction;
import ai.mint.engine.model.DecoderModel;
import ai.mint.training.grpo.AdamOptimizer;
import ai.mint.training.grpo.GroupAdvantages;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.rollout.PolicyRollout;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.rollout.RolloutSample;
import ai.mint.training.step.MicroBatchBudget;
import ai.mint.training.step.MultiPolicyStep;
import ai.mint.training.step.PolicyBatch;
import ai.mint.training.step.PolicyOptimizer;
import ai.mint.training.step.PolicyStepResult;

import java.util.ArrayList;
import java.util.List;

/**
 * One GRPO step for K policies over the shared base: rollout of all K in one generation batch, rewards, group
 * advantages, one batched forward/backward for all K (run in micro-batches that may mix policies, see
 * {@link MultiPolicyStep}), then each policy's own optimizer step. Samples whose reward failed are masked out of the
 * loss (weight 0) and out of their group's statistics; a policy whose samples all failed skips its update.
 */
public final class GrpoTrainer {

    private final DecoderModel model;
    private final RolloutSampler sampler;
    private final RewardScorer scorer;
    private final MicroBatchBudget microBatch;

    /** A trainer whose forward/backward runs in micro-batches of {@link MicroBatchBudget#DEFAULT}. */
    public GrpoTrainer(DecoderModel model, RolloutSampler sampler, RewardScorer scorer) {
        this(model, sampler, scorer, MicroBatchBudget.DEFAULT);
    }

    /**
     * @param microBatch how many rows/tokens of the step's K policies one forward/backward pass may hold; it bounds
     *                   the step's peak memory and does not change the update (beyond float round-off)
     */
    public GrpoTrainer(DecoderModel model, RolloutSampler sampler, RewardScorer scorer, MicroBatchBudget microBatch) {
        this.model = model;
        this.sampler = sampler;
        this.scorer = scorer;
        this.microBatch = java.util.Objects.requireNonNull(microBatch, "microBatch");
    }

    public MicroBatchBudget microBatch() {
        return microBatch;
    }

    /** Runs one step for all {@code policies} together; reports come back in the same order. */
    public List<GrpoStepReport> step(List<GrpoPolicy> policies) {
        List<PolicyRollout> requests = policies.stream().map(p -> new PolicyRollout(p.state(), p.prompts(),
                p.config().groupSize(), p.config().maxTokens(), p.config().temperature())).toList();
        List<List<RolloutSample>> rollouts = sampler.sample(requests);

        List<PolicyBatch> work = new ArrayList<>();
        List<Integer> workIndex = new ArrayList<>();
        List<List<RewardOutcome>> outcomes = new ArrayList<>();
        for (int k = 0; k < policies.size(); k++) {
            GrpoPolicy policy = policies.get(k);
            List<RolloutSample> trajectories = rollouts.get(k);
            List<RewardOutcome> rewards = scorer.scoreAll(policy.reward(), trajectories.stream()
                    .map(t -> new RewardInput(policy.prompts().get(t.promptIndex()).text(), t.text(),
                            t.completion().length, policy.prompts().get(t.promptIndex()).reference()))
                    .toList());
            outcomes.add(rewards);
            List<Datum> data = toData(trajectories, rewards, policy.config().advantageEpsilon());
            if (!data.isEmpty()) {
                work.add(new PolicyBatch(policy.state(), data, LossFunction.GRPO, policy.config().loss()));
                workIndex.add(k);
            }
        }
        List<PolicyStepResult> results = MultiPolicyStep.forwardBackward(model, work, microBatch);

        List<GrpoStepReport> reports = new ArrayList<>();
        for (int k = 0; k < policies.size(); k++) {
            GrpoPolicy policy = policies.get(k);
            long sampled = rollouts.get(k).get(0).revision();
            int w = workIndex.indexOf(k);
            double loss = 0.0;
            AdamOptimizer.StepStats stats = null;
            if (w >= 0) {
                loss = results.get(w).loss();
                GrpoConfig c = policy.config();
                AdamConfig adam = c.adam().withLearningRate(
                        c.schedule().learningRate(c.adam().learningRate(), policy.state().adam().step()));
                stats = PolicyOptimizer.step(policy.state(), adam);
            }
            reports.add(report(policy, sampled, outcomes.get(k), loss, stats));
        }
        return reports;
    }

    /**
     * Turns scored trajectories into policy-gradient examples with group-relative advantages (groups = prompts);
     * failed and empty samples are left out.
     */
    public static List<Datum> toData(List<RolloutSample> trajectories, List<RewardOutcome> rewards, double epsilon) {
        int[] group = trajectories.stream().mapToInt(RolloutSample::promptIndex).toArray();
        double[] advantages = GroupAdvantages.compute(rewards, group, epsilon);
        List<Datum> data = new ArrayList<>();
        for (int i = 0; i < trajectories.size(); i++) {
            RolloutSample t = trajectories.get(i);
            if (rewards.get(i).failed() || t.completion().length == 0) {
                continue; // no reward, no signal: left out of the batch entirely
            }
            data.add(Datum.rollout(t.promptTokens(), t.completion(), t.logprobs(), (float) advantages[i]));
        }
        return data;
    }

    private static GrpoStepReport report(GrpoPolicy policy, long sampled, List<RewardOutcome> rewards, double loss,
                                         AdamOptimizer.StepStats stats) {
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
