package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.events.Trajectory;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Rollout role: samples {@code group_size} completions of every prompt from the requested revision (the base model
 * for a policy's first step) and scores them with the policy's reward, giving the trajectories GRPO learns from. The
 * rollouts of several policies run as one generation batch ({@link #handleAll}), each row with its policy's adapter;
 * a row's tokens do not depend on what else is in the batch.
 */
public final class RolloutHandler {

    private final WorkContext ctx;
    private final GroupSampler sampler;

    public RolloutHandler(WorkContext ctx) {
        this.ctx = ctx;
        this.sampler = new GroupSampler(ctx);
    }

    public Reply handle(RolloutRequest q) {
        return handleAll(List.of(q)).get(0).get();
    }

    /**
     * Samples the rollouts of several requests in one generation batch (the training service merges their calls);
     * each element of the result is the request's reply or the exception that refused it, and one bad request does
     * not fail the others.
     */
    public List<Attempt> handleAll(List<RolloutRequest> requests) {
        List<GroupSampler.Plan> plans = new ArrayList<>();
        List<Attempt> refused = new ArrayList<>();
        for (RolloutRequest q : requests) {
            try {
                plans.add(plan(q));
                refused.add(null);
            } catch (RuntimeException e) {
                plans.add(null);
                refused.add(Attempt.failed(e));
            }
        }
        List<List<GenerationRequest>> calls = plans.stream().filter(java.util.Objects::nonNull)
                .map(GroupSampler.Plan::rows).toList();
        List<CompletableFuture<List<GenerationResult>>> generated = ctx.runtime().generateAll(calls);
        List<Attempt> out = new ArrayList<>();
        int call = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (plans.get(i) == null) {
                out.add(refused.get(i));
                continue;
            }
            try {
                List<GroupSampler.Sample> samples = sampler.score(plans.get(i),
                        ModelRuntime.join(generated.get(call++)));
                out.add(Attempt.of(reply(requests.get(i), samples)));
            } catch (RuntimeException e) {
                out.add(Attempt.failed(e));
            }
        }
        return out;
    }

    private GroupSampler.Plan plan(RolloutRequest q) {
        CatalogEntry entry = ctx.policy(q.getPolicyId());
        var reward = ctx.reward(entry.getSpec());
        String adapter = ctx.runtime().adapterFor(q.getPolicyId(), q.getRevision(), null,
                ctx.recordedSha(q.getPolicyId(), q.getRevision()));
        var sampling = q.getSampling();
        long seed = sampling.getSeed() != null ? sampling.getSeed() : q.getEventId().hashCode();
        return sampler.plan(adapter, q.getPrompts(), q.getGroupSize(), sampling.getMaxTokens(),
                sampling.getTemperature(), sampling.getTopP(), seed, reward);
    }

    private Reply reply(RolloutRequest q, List<GroupSampler.Sample> samples) {
        List<Trajectory> trajectories = new ArrayList<>(samples.size());
        for (GroupSampler.Sample s : samples) {
            trajectories.add(Trajectory.newBuilder()
                    .setPromptIndex(s.promptIndex())
                    .setPromptTokens(boxed(s.promptTokens()))
                    .setCompletionTokens(boxed(s.generation().tokens()))
                    .setCompletionText(s.text())
                    .setLogprobs(boxedFloats(s.generation().logProbs()))
                    .setReward(s.reward().failed() ? null : s.reward().value())
                    .setRewardError(s.reward().failureReason())
                    .build());
        }
        return new Reply(Topics.ROLLOUT_RESULTS.name(), q.getPolicyId(), base(q).setTrajectories(trajectories).build());
    }

    public Reply failure(RolloutRequest q, String reason) {
        return new Reply(Topics.ROLLOUT_RESULTS.name(), q.getPolicyId(),
                base(q).setTrajectories(List.of()).setError(reason).build());
    }

    private RolloutResult.Builder base(RolloutRequest q) {
        return RolloutResult.newBuilder()
                .setEventId(EventIds.derived(q.getEventId(), "rollout-result"))
                .setPolicyId(q.getPolicyId())
                .setTime(Instant.now())
                .setCorrelationId(q.getCorrelationId())
                .setProducedBy(ctx.workerId())
                .setRevision(q.getRevision());
    }

    static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    static List<Float> boxedFloats(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
