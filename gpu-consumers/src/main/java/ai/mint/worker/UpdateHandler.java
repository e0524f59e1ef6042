package ai.mint.worker;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.common.ids.EventIds;
import ai.mint.engine.model.DecoderModel;
import ai.mint.events.CatalogEntry;
import ai.mint.events.PolicySpec;
import ai.mint.events.Trajectory;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.topics.Topics;
import ai.mint.training.grpo.AdamOptimizer;
import ai.mint.training.grpo.GroupAdvantages;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.step.MultiPolicyStep;
import ai.mint.training.step.PolicyBatch;
import ai.mint.training.step.PolicyOptimizer;
import ai.mint.training.step.PolicyState;
import ai.mint.training.step.PolicyStepResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Update role: one GRPO step of a policy on a rollout batch. Advantages are group-relative per prompt; the step runs
 * on the policy's own trainer state ({@link PolicyTrainers}), which is saved after the step so that any worker can
 * continue the policy. The new revision is named after its step ({@code step-0007}), so a redelivered request maps to
 * the revision it already produced and is answered from the saved result without training twice.
 */
public final class UpdateHandler {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpdateHandler.class);

    private final WorkContext ctx;
    private final PolicyTrainers trainers;

    public UpdateHandler(WorkContext ctx, PolicyTrainers trainers) {
        this.ctx = ctx;
        this.trainers = trainers;
    }

    /** The revision id a step produces. */
    public static String revisionOf(int step) {
        return String.format(Locale.ROOT, "step-%04d", step);
    }

    /** One request checked and turned into training data, or answered already (a redelivery). */
    private record Prepared(UpdateRequest request, PolicySpec spec, String newRevision, UpdateResult done,
                            List<Datum> data, LossFunction loss, LossConfig lossConfig, AdamConfig adam,
                            double[] rewardStats) {
    }

    public Reply handle(UpdateRequest q) {
        return handleAll(List.of(q)).get(0).get();
    }

    /**
     * Runs the updates of several policies as one batched step (one forward/backward over all their rows, each policy's
     * gradient landing in its own adapter, then each policy's own optimizer step): concurrent multi-policy GRPO.
     * Requests must be of distinct policies. Each element of the result is the request's reply, or the exception that
     * refused it; one bad request does not fail the others.
     */
    public List<Try> handleAll(List<UpdateRequest> requests) {
        List<Try> out = new ArrayList<>();
        List<Prepared> toTrain = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (UpdateRequest q : requests) {
            try {
                Prepared p = prepare(q);
                if (p.done() != null) {
                    out.add(Try.of(reply(p.done()))); // a redelivered request: same result, no second step
                } else {
                    out.add(null);
                    toTrain.add(p);
                    positions.add(out.size() - 1);
                }
            } catch (RuntimeException e) {
                out.add(Try.failed(e));
            }
        }
        if (toTrain.isEmpty()) {
            return out;
        }
        try {
            List<Reply> replies = ctx.runtime().withModel(model -> train(model, toTrain));
            for (int i = 0; i < replies.size(); i++) {
                out.set(positions.get(i), Try.of(replies.get(i)));
            }
        } catch (RuntimeException batchFailure) {
            if (toTrain.size() == 1) {
                out.set(positions.get(0), Try.failed(batchFailure));
                return out;
            }
            // find the culprit: each policy alone, so the others still get their step
            for (int i = 0; i < toTrain.size(); i++) {
                Prepared p = toTrain.get(i);
                try {
                    out.set(positions.get(i), Try.of(ctx.runtime().withModel(model -> train(model, List.of(p))).get(0)));
                } catch (RuntimeException e) {
                    out.set(positions.get(i), Try.failed(e));
                }
            }
        }
        return out;
    }

    /** A reply, or why there is none. */
    public record Try(Reply reply, RuntimeException error) {
        static Try of(Reply reply) {
            return new Try(reply, null);
        }

        static Try failed(RuntimeException error) {
            return new Try(null, error);
        }

        /** The reply, or the refusal thrown. */
        public Reply get() {
            if (error != null) {
                throw error;
            }
            return reply;
        }
    }

    private Prepared prepare(UpdateRequest q) {
        CatalogEntry entry = ctx.policy(q.getPolicyId());
        if (q.getStep() < 1) {
            throw new RejectedWorkException("update step " + q.getStep() + " must be >= 1");
        }
        String newRevision = revisionOf(q.getStep());
        Optional<UpdateResult> done = trainers.savedResult(q.getPolicyId(), newRevision);
        if (done.isPresent()) {
            if (!done.get().getBaseRevision().equals(q.getBaseRevision())) {
                throw new RejectedWorkException("policy '" + q.getPolicyId() + "': step " + q.getStep()
                        + " was already trained from base revision " + done.get().getBaseRevision() + ", not "
                        + q.getBaseRevision());
            }
            return new Prepared(q, entry.getSpec(), newRevision, done.get(), null, null, null, null, null);
        }
        LossFunction loss = parseLoss(q.getLossFn());
        AdamConfig adam = adamOf(q);
        List<Trajectory> trajectories = q.getTrajectories();
        List<RewardOutcome> outcomes = new ArrayList<>();
        int[] groups = new int[trajectories.size()];
        for (int i = 0; i < trajectories.size(); i++) {
            Trajectory t = trajectories.get(i);
            outcomes.add(t.getReward() == null ? RewardOutcome.failed(String.valueOf(t.getRewardError()))
                    : RewardOutcome.ok(t.getReward()));
            groups[i] = t.getPromptIndex();
        }
        double[] advantages = GroupAdvantages.compute(outcomes, groups, GroupAdvantages.DEFAULT_EPSILON);
        List<Datum> data = new ArrayList<>();
        for (int i = 0; i < trajectories.size(); i++) {
            Trajectory t = trajectories.get(i);
            if (outcomes.get(i).failed() || t.getCompletionTokens().isEmpty() || t.getPromptTokens().isEmpty()) {
                continue;
            }
            data.add(Datum.rollout(ints(t.getPromptTokens()), ints(t.getCompletionTokens()), floats(t.getLogprobs()),
                    (float) advantages[i]));
        }
        if (data.isEmpty()) {
            throw new RejectedWorkException("policy '" + q.getPolicyId() + "': update step " + q.getStep()
                    + " has no trajectory with a reward and a completion to learn from");
        }
        PolicySpec spec = entry.getSpec();
        double kl = spec.getTraining() == null ? 0.0 : spec.getTraining().getKlCoef();
        return new Prepared(q, spec, newRevision, null, data, loss, LossConfig.DEFAULT.withKlBeta(kl), adam,
                rewardStats(outcomes));
    }

    private List<Reply> train(DecoderModel model, List<Prepared> work) {
        List<PolicyBatch> batches = new ArrayList<>();
        List<PolicyState> states = new ArrayList<>();
        for (Prepared p : work) {
            PolicyState state = trainers.stateAt(model, p.spec(), p.request().getBaseRevision());
            states.add(state);
            batches.add(new PolicyBatch(state, p.data(), p.loss(), p.lossConfig()));
        }
        List<PolicyStepResult> steps = MultiPolicyStep.forwardBackward(model, batches);
        LOG.debug("one GRPO step over {} policies: {}", work.size(),
                work.stream().map(p -> p.request().getPolicyId()).toList());
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) {
            Prepared p = work.get(i);
            UpdateRequest q = p.request();
            AdamOptimizer.StepStats stats = PolicyOptimizer.step(states.get(i), p.adam());
            UpdateResult finished = base(q)
                    .setNewRevision(p.newRevision())
                    .setLoss(steps.get(i).loss())
                    .setMeanReward(p.rewardStats()[0])
                    .setRewardStd(p.rewardStats()[1])
                    .setGradNorm(stats.gradNorm())
                    .setKl(steps.get(i).metrics().getOrDefault("kl", 0.0))
                    .setStateUri(ctx.runtime().store().uriOf(q.getPolicyId(), "state", p.newRevision()))
                    .build();
            trainers.save(states.get(i), p.newRevision(), finished);
            replies.add(reply(finished));
        }
        return replies;
    }

    public Reply failure(UpdateRequest q, String reason) {
        return reply(base(q).setNewRevision("").setLoss(0).setMeanReward(0).setRewardStd(0).setGradNorm(0).setKl(0)
                .setStateUri("").setError(reason).build());
    }

    private UpdateResult.Builder base(UpdateRequest q) {
        return UpdateResult.newBuilder()
                .setEventId(EventIds.derived(q.getEventId(), "update-result"))
                .setPolicyId(q.getPolicyId())
                .setTime(Instant.now())
                .setCorrelationId(q.getCorrelationId())
                .setProducedBy(ctx.workerId())
                .setBaseRevision(q.getBaseRevision())
                .setStep(q.getStep());
    }

    private static Reply reply(UpdateResult result) {
        return new Reply(Topics.UPDATE_RESULTS.name(), result.getPolicyId(), result);
    }

    private static LossFunction parseLoss(String name) {
        try {
            return LossFunction.fromName(name);
        } catch (RuntimeException e) {
            throw new RejectedWorkException("unknown loss_fn '" + name + "': " + e.getMessage(), e);
        }
    }

    private static AdamConfig adamOf(UpdateRequest q) {
        var a = q.getAdam();
        try {
            return new AdamConfig(a.getLearningRate(), a.getBeta1(), a.getBeta2(), a.getEps(), a.getWeightDecay(),
                    a.getGradClip());
        } catch (IllegalArgumentException e) {
            throw new RejectedWorkException(e.getMessage(), e);
        }
    }

    /** Mean and population standard deviation of the rewards that did not fail. */
    static double[] rewardStats(List<RewardOutcome> outcomes) {
        double[] ok = outcomes.stream().filter(o -> !o.failed()).mapToDouble(RewardOutcome::value).toArray();
        if (ok.length == 0) {
            return new double[]{0, 0};
        }
        double mean = java.util.Arrays.stream(ok).average().orElse(0);
        double var = java.util.Arrays.stream(ok).map(v -> (v - mean) * (v - mean)).average().orElse(0);
        return new double[]{mean, Math.sqrt(var)};
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
