package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.TokenSink;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Inference role: answers inference requests of many policies in the model thread's continuous batch, each row with its
 * policy's adapter, each answered (and, if it asked, streamed) as soon as it is done. A request pinned to a revision gets that revision; otherwise the revision is read from the followed serving
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

    /**
     * A request resolved to the revision (and engine adapter) that will answer it; {@code takenNanos} is when the
     * worker took it (its latency is counted from there).
     */
    public record Resolved(InferenceRequest request, CatalogEntry entry, String revision, String adapterId,
                           int[] promptTokens, long takenNanos) {
    }

    /**
     * Resolves one request: its policy, the revision to use now, its adapter registered with the engine (loading
     * starts when the request is answered, on a loader thread; a corrupt adapter fails then, alone).
     */
    public Resolved resolve(InferenceRequest q) {
        long taken = System.nanoTime();
        CatalogEntry entry = ctx.policy(q.getPolicyId(), q.getMinEntryVersion(), q.getTime());
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
            // refused here, alone, as a bad request: its row could never run
            ctx.runtime().checkFits(tokens.length, sampling.getMaxTokens());
        } catch (EngineException e) {
            throw new RejectedWorkException(RejectedWorkException.BAD_REQUEST, e.getMessage(), e);
        }
        String adapter = ctx.runtime().adapterFor(q.getPolicyId(), revision, known.getAdapterUri(), known.getSha256());
        return new Resolved(q, entry, revision, adapter, tokens, taken);
    }

    /** Answers resolved requests (they share the model's running batch) and waits for all of them. */
    public List<Reply> answer(List<Resolved> batch) {
        List<CompletableFuture<List<Reply>>> answers = new ArrayList<>(batch.size());
        batch.forEach(r -> answers.add(answer(r, reply -> { })));
        List<Reply> replies = new ArrayList<>();
        answers.forEach(a -> replies.addAll(a.join()));
        return replies;
    }

    /**
     * Answers one request in the model thread's continuous batch: it joins the decoding rows as soon as its adapter
     * is on the device, and leaves when it is done, whatever the other rows do. The future completes with what to
     * publish (the response, the live metric; an error response if it failed, say its adapter could not load); a
     * request that asked to stream also hands its chunks to {@code chunks} as they are made, in order, before the
     * future completes. Everything but the decoding runs on the replies executor.
     */
    public CompletableFuture<List<Reply>> answer(Resolved r, Consumer<Reply> chunks) {
        InferenceRequest q = r.request();
        GenerationRequest row;
        try {
            var s = q.getSampling();
            long seed = s.getSeed() != null ? s.getSeed() : q.getRequestId().hashCode();
            row = new GenerationRequest(r.adapterId(), r.promptTokens(), new GenerationParams(s.getMaxTokens(),
                    s.getTemperature(), s.getTopP(), seed, Set.of(ctx.runtime().eosToken())));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(List.of(failure(q, "request " + q.getRequestId() + ": "
                    + e.getMessage(), RejectedWorkException.BAD_REQUEST)));
        }
        ChunkStream stream = q.getStream() ? new ChunkStream(q, chunkTopic(q), r.revision(), ctx.workerId(),
                ctx.limits().streamChunkTokens(), ctx.runtime()::decode, chunks, ctx.replies()) : null;
        return ctx.runtime().serve(row, stream == null ? TokenSink.NONE : stream)
                .handleAsync((generated, error) -> answered(r, stream, generated, error), ctx.replies())
                .thenCompose(replies -> replies);
    }

    /** On the replies executor: the last chunk, then the response (or the error) and the live metric. */
    private CompletableFuture<List<Reply>> answered(Resolved r, ChunkStream stream, GenerationResult g,
                                                    Throwable error) {
        List<Reply> replies = error == null ? replies(r, g)
                : List.of(failure(r.request(), reason(error), InferenceProcessor.INTERNAL));
        if (stream == null) {
            return CompletableFuture.completedFuture(replies);
        }
        return stream.finish(error == null ? g.finishReason() : "error").thenApply(v -> replies);
    }

    private List<Reply> replies(Resolved r, GenerationResult g) {
        InferenceRequest q = r.request();
        String text = ctx.runtime().decode(g.tokens());
        InferenceResponse response = base(q)
                .setRevision(r.revision())
                .setCompletionText(text)
                .setCompletionTokens(RolloutHandler.boxed(g.tokens()))
                .setLogprobs(RolloutHandler.boxedFloats(g.logProbs()))
                .setFinishReason(g.finishReason())
                .setLatencyMs((System.nanoTime() - r.takenNanos()) / 1_000_000)
                .setPromptTokens(r.promptTokens().length)
                .setPromptTokenIds(RolloutHandler.boxed(r.promptTokens()))
                .setCompletionTokenTexts(tokenTexts(g.tokens()))
                .build();
        List<Reply> replies = new ArrayList<>(2);
        replies.add(new Reply(replyTopic(q), q.getPolicyId(), response));
        liveMetric(r, text, g.tokens().length).ifPresent(replies::add);
        return replies;
    }

    private static String reason(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return "generation failed: " + (e.getMessage() != null ? e.getMessage() : e.toString());
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
        return hasReplyTopic(q) ? q.getReplyTopic() : Topics.INFERENCE_RESPONSES.name();
    }

    /**
     * Where a streamed request's chunks go: its own reply topic, beside its response, when it names one (each gateway
     * or client reads only its own topic, the schema id tells a chunk from a response), else the shared chunks topic.
     */
    static String chunkTopic(InferenceRequest q) {
        return hasReplyTopic(q) ? q.getReplyTopic() : Topics.INFERENCE_CHUNKS.name();
    }

    private static boolean hasReplyTopic(InferenceRequest q) {
        return q.getReplyTopic() != null && !q.getReplyTopic().isBlank();
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
