package ai.mint.worker;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.common.ids.EventIds;
import ai.mint.api.OptimStepResult;
import ai.mint.api.TrainingClient;
import ai.mint.events.CatalogEntry;
import ai.mint.events.PolicySpec;
import ai.mint.events.Trajectory;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.topics.Topics;
import ai.mint.training.grpo.GroupAdvantages;
import ai.mint.training.grpo.GrpoData;
import ai.mint.training.reward.RewardOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Update role: one GRPO step of a policy on a rollout batch, or one off-policy step on logged feedback (loss ppo, the
 * ratio to the logged log-probs clipped by the request's loss knobs). Advantages are group-relative per prompt
 * (feedback examples all carry prompt 0: one group, the batch); the step is the training API's
 * {@code forwardBackward} + {@code optimStep} on an in-process {@link TrainingClient} of the policy's own trainer
 * state ({@link PolicyTrainers}), like any other client of the API, and is saved after the step so that any worker
 * can continue the policy. The new revision is named after its step
 * ({@code step-0007}), so a redelivered request maps to the revision it already produced and is answered from the
 * saved result without training twice. A step that fails after its optimizer step is never applied again to the same
 * state: the state is discarded and the next attempt starts from the saved base revision.
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
     * Runs the updates of several policies as one batched step (one forward/backward over all their rows, each
     * policy's gradient landing in its own adapter, then each policy's own optimizer step): concurrent multi-policy
     * GRPO. Requests must be of distinct policies. Each element of the result is the request's reply, or the exception
     * that refused it; one bad request does not fail the others.
     */
    public List<Attempt> handleAll(List<UpdateRequest> requests) {
        List<Attempt> out = new ArrayList<>(Collections.nCopies(requests.size(), null));
        List<Prepared> toTrain = new ArrayList<>();
        List<TrainingClient> clients = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                Prepared p = prepare(requests.get(i));
                if (p.done() != null) {
                    out.set(i, Attempt.of(reply(p.done()))); // a redelivered request: same result, no second step
                    continue;
                }
                clients.add(trainers.clientAt(p.spec(), p.request().getBaseRevision()));
                toTrain.add(p);
                positions.add(i);
            } catch (RuntimeException e) {
                out.set(i, Attempt.failed(e));
            }
        }
        // queued together: the service runs them as one K-policy step (and one by one if that fails)
        List<CompletableFuture<ForwardBackwardOutput>> steps = trainers.api().together(() -> {
            List<CompletableFuture<ForwardBackwardOutput>> queued = new ArrayList<>();
            for (int i = 0; i < toTrain.size(); i++) {
                Prepared p = toTrain.get(i);
                queued.add(clients.get(i).forwardBackward(p.data(), p.loss(), p.lossConfig()));
            }
            return queued;
        });
        LOG.debug("one GRPO step over {} policies: {}", toTrain.size(),
                toTrain.stream().map(p -> p.request().getPolicyId()).toList());
        for (int i = 0; i < toTrain.size(); i++) {
            Prepared p = toTrain.get(i);
            try {
                out.set(positions.get(i), Attempt.of(finish(p, clients.get(i), ModelRuntime.join(steps.get(i)))));
            } catch (RuntimeException e) {
                trainers.discard(p.request().getPolicyId()); // its weights may be ahead of its revision now
                out.set(positions.get(i), Attempt.failed(e));
            }
        }
        return out;
    }

    /** The policy's optimizer step after its forward/backward, then its saved state and result. */
    private Reply finish(Prepared p, TrainingClient client, ForwardBackwardOutput step) {
        UpdateRequest q = p.request();
        OptimStepResult stats = ModelRuntime.join(client.optimStep(p.adam()));
        UpdateResult finished = base(q)
                .setNewRevision(p.newRevision())
                .setLoss(step.loss())
                .setMeanReward(p.rewardStats()[0])
                .setRewardStd(p.rewardStats()[1])
                .setGradNorm(stats.gradNorm())
                .setKl(step.metrics().getOrDefault("kl", 0.0))
                .setStateUri(ctx.runtime().store().uriOf(q.getPolicyId(), "state", p.newRevision()))
                .build();
        trainers.save(client, p.newRevision(), finished);
        return reply(finished);
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
        LossFunction loss = TrainingCallCodec.loss(q.getLossFn());
        AdamConfig adam = TrainingCallCodec.adam(q.getAdam());
        List<RewardOutcome> outcomes = new ArrayList<>();
        List<GrpoData.Sample> samples = new ArrayList<>();
        for (Trajectory t : q.getTrajectories()) {
            RewardOutcome outcome = t.getReward() == null ? RewardOutcome.failed(String.valueOf(t.getRewardError()))
                    : RewardOutcome.ok(t.getReward());
            outcomes.add(outcome);
            samples.add(new GrpoData.Sample(t.getPromptIndex(), TrainingCallCodec.ints(t.getPromptTokens()),
                    TrainingCallCodec.ints(t.getCompletionTokens()), TrainingCallCodec.floats(t.getLogprobs()), outcome));
        }
        List<Datum> data;
        try {
            data = GrpoData.toData(samples, GroupAdvantages.DEFAULT_EPSILON);
        } catch (IllegalArgumentException e) { // e.g. log-probs that do not match the completion
            throw new RejectedWorkException("policy '" + q.getPolicyId() + "': update step " + q.getStep()
                    + " has a malformed trajectory: " + e.getMessage(), e);
        }
        if (data.isEmpty()) {
            throw new RejectedWorkException("policy '" + q.getPolicyId() + "': update step " + q.getStep()
                    + " has no trajectory with a reward and a completion to learn from");
        }
        PolicySpec spec = entry.getSpec();
        return new Prepared(q, spec, newRevision, null, data, loss, lossConfig(q, spec), adam, rewardStats(outcomes));
    }

    /**
     * The request's own loss knobs (a feedback update names its clip and KL weight), else the defaults with the
     * policy's GRPO KL weight.
     */
    private static LossConfig lossConfig(UpdateRequest q, PolicySpec spec) {
        if (q.getLoss() != null) {
            return TrainingCallCodec.lossConfig(q.getLoss());
        }
        return LossConfig.DEFAULT.withKlBeta(spec.getTraining() == null ? 0.0 : spec.getTraining().getKlCoef());
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
}
