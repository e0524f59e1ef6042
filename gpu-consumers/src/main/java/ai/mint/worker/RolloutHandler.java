package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.Trajectory;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rollout role: samples {@code group_size} completions of every prompt from the requested revision (the base model
 * for a policy's first step) and scores them with the policy's reward, giving the trajectories GRPO learns from.
 */
public final class RolloutHandler {

    private final WorkContext ctx;
    private final GroupSampler sampler;

    public RolloutHandler(WorkContext ctx) {
        this.ctx = ctx;
        this.sampler = new GroupSampler(ctx);
    }

    public Reply handle(RolloutRequest q) {
        CatalogEntry entry = ctx.policy(q.getPolicyId());
        var reward = ctx.reward(entry.getSpec());
        String adapter = ctx.runtime().adapterFor(q.getPolicyId(), q.getRevision(), null,
                ctx.recordedSha(q.getPolicyId(), q.getRevision()));
        var sampling = q.getSampling();
        long seed = sampling.getSeed() != null ? sampling.getSeed() : q.getEventId().hashCode();
        List<GroupSampler.Sample> samples = sampler.sample(adapter, q.getPrompts(), q.getGroupSize(),
                sampling.getMaxTokens(), sampling.getTemperature(), sampling.getTopP(), seed, reward);
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
