package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionState;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.Metric;
import ai.mint.topics.Topics;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inference role: answers inference requests of many policies in one batched generate call, each row with its policy's
 * adapter. A request pinned to a revision gets that revision; otherwise the revision is read from the followed serving
 * pointer once, when the request starts, so a pointer move applies to new requests while the batch already running
 * finishes on the revision it resolved. Every response names the revision that answered, and its reward under the
 * policy's reward spec is published to the metrics topic (the live signal of the regression guard).
 */
public final class InferenceHandler {

    /** Name of the live metric published per response. */
    public static final String LIVE_REWARD = "reward";

    private final WorkContext ctx;

    public InferenceHandler(WorkContext ctx) {
        this.ctx = ctx;
    }

    /** A request resolved to the revision (and engine adapter) that will answer it. */
    public record Resolved(InferenceRequest request, CatalogEntry entry, String revision, String adapterId,
                           int[] promptTokens) {
    }

    /** Resolves one request: its policy, the revision to use now, the adapter loaded and verified. */
    public Resolved resolve(InferenceRequest q) {
        CatalogEntry entry = ctx.policy(q.getPolicyId());
        String revision = q.getRevision() != null ? q.getRevision() : entry.getServingRevision();
        if (revision == null) {
            throw new RejectedWorkException(RejectedWorkException.UNAVAILABLE, "policy '" + q.getPolicyId()
                    + "' has no serving revision yet; pin a revision or wait for one to pass eval", null);
        }
        // the entry carries the newest and the serving revisions; an older pinned one is looked up by key
        var known = entry.getRevisions().stream().filter(r -> r.getRevision().equals(revision)).findFirst()
                .or(() -> ctx.catalog().revision(q.getPolicyId(), revision))
                .orElseThrow(() -> new RejectedWorkException(RejectedWorkException.NOT_FOUND, "policy '"
                        + q.getPolicyId() + "' has no revision '" + revision + "'", null));
        if (known.getState() == RevisionState.RETIRED && known.getRetiredAt() != null) {
            throw new RejectedWorkException(RejectedWorkException.NOT_FOUND, "revision '" + revision + "' of policy '"
                    + q.getPolicyId() + "' was retired by the catalog's retention and is never served again", null);
        }
        if (known.getAdapterUri() == null) {
            throw new RejectedWorkException(RejectedWorkException.UNAVAILABLE, "revision '" + revision
                    + "' of policy '" + q.getPolicyId() + "' is not exported yet", null);
        }
        var sampling = q.getSampling();
        int limit = ctx.limits().maxTokens();
        if (sampling.getMaxTokens() < 1 || sampling.getMaxTokens() > limit) {
            throw new RejectedWorkException(RejectedWorkException.BAD_REQUEST, "max_tokens "
                    + sampling.getMaxTokens() + " is out of range 1.." + limit, null);
        }
        int[] tokens = ctx.runtime().encode(q.getPrompt());
        if (tokens.length == 0) {
            throw new RejectedWorkException(RejectedWorkException.BAD_REQUEST, "prompt is empty", null);
        }
        try {
            // refused here, alone: past the context length it would fail the whole batch
            ctx.runtime().checkFits(tokens.length, sampling.getMaxTokens());
        } catch (EngineException e) {
            throw new RejectedWorkException(RejectedWorkException.BAD_REQUEST, e.getMessage(), e);
        }
        String adapter = ctx.runtime().adapterFor(q.getPolicyId(), revision, known.getAdapterUri(), known.getSha256());
        return new Resolved(q, entry, revision, adapter, tokens);
    }

    /** Answers resolved requests in one batch; returns the responses and live metrics to publish. */
    public List<Reply> answer(List<Resolved> batch) {
        List<GenerationRequest> rows = new ArrayList<>(batch.size());
        int eos = ctx.runtime().eosToken();
        for (Resolved r : batch) {
            var s = r.request().getSampling();
            long seed = s.getSeed() != null ? s.getSeed() : r.request().getRequestId().hashCode();
            try {
                rows.add(new GenerationRequest(r.adapterId(), r.promptTokens(),
                        new GenerationParams(s.getMaxTokens(), s.getTemperature(), s.getTopP(), seed, Set.of(eos))));
            } catch (RuntimeException e) {
                throw new RejectedWorkException("request " + r.request().getRequestId() + ": " + e.getMessage(), e);
            }
        }
        long started = System.nanoTime();
        List<GenerationResult> generated = ctx.runtime().generate(rows);
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Resolved r = batch.get(i);
            GenerationResult g = generated.get(i);
            String text = ctx.runtime().decode(g.tokens());
            InferenceRequest q = r.request();
            InferenceResponse response = base(q)
                    .setRevision(r.revision())
                    .setCompletionText(text)
                    .setCompletionTokens(RolloutHandler.boxed(g.tokens()))
                    .setLogprobs(RolloutHandler.boxedFloats(g.logProbs()))
                    .setFinishReason(g.finishReason())
                    .setLatencyMs(latencyMs)
                    .setPromptTokens(r.promptTokens().length)
                    .setCompletionTokenTexts(tokenTexts(g.tokens()))
                    .build();
            replies.add(new Reply(replyTopic(q), q.getPolicyId(), response));
            liveMetric(r, text, g.tokens().length).ifPresent(replies::add);
        }
        return replies;
    }

    /** An error answer; {@code code} is the kind of failure ({@link RejectedWorkException#code()}, or internal). */
    public Reply failure(InferenceRequest q, String reason, String code) {
        return new Reply(replyTopic(q), q.getPolicyId(), base(q).setRevision("").setCompletionText("")
                .setFinishReason("error").setLatencyMs(0).setError(reason).setErrorCode(code).build());
    }

    /** Each generated token's own text, so that clients can show log-probabilities per token. */
    private List<String> tokenTexts(int[] tokens) {
        List<String> texts = new ArrayList<>(tokens.length);
        for (int token : tokens) {
            texts.add(ctx.runtime().decode(new int[]{token}));
        }
        return texts;
    }

    private java.util.Optional<Reply> liveMetric(Resolved r, String text, int tokens) {
        RewardOutcome outcome;
        try {
            outcome = ctx.scorer().scoreAll(ctx.reward(r.entry().getSpec()),
                    List.of(RewardInput.of(r.request().getPrompt(), text, tokens))).get(0);
        } catch (RejectedWorkException e) {
            return java.util.Optional.empty(); // a policy without a usable reward has no live metric
        }
        if (outcome.failed()) {
            return java.util.Optional.empty();
        }
        Metric metric = Metric.newBuilder()
                .setEventId(EventIds.derived(r.request().getEventId(), "live-reward"))
                .setPolicyId(r.request().getPolicyId())
                .setTime(Instant.now())
                .setName(LIVE_REWARD)
                .setValue(outcome.value())
                .setRevision(r.revision())
                .setTags(Map.of("request_id", r.request().getRequestId()))
                .setSource(ctx.workerId())
                .build();
        return java.util.Optional.of(new Reply(Topics.METRICS.name(), r.request().getPolicyId(), metric));
    }

    private static String replyTopic(InferenceRequest q) {
        return q.getReplyTopic() != null && !q.getReplyTopic().isBlank() ? q.getReplyTopic()
                : Topics.INFERENCE_RESPONSES.name();
    }

    private InferenceResponse.Builder base(InferenceRequest q) {
        return InferenceResponse.newBuilder()
                .setEventId(EventIds.derived(q.getEventId(), "inference-response"))
                .setPolicyId(q.getPolicyId())
                .setTime(Instant.now())
                .setRequestId(q.getRequestId())
                .setWorkerId(ctx.workerId());
    }
}
