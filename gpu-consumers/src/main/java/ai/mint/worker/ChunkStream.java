package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.engine.TokenSink;
import ai.mint.events.InferenceChunk;
import ai.mint.events.InferenceRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Streams one request's completion as {@link InferenceChunk}s while it is generated: the model thread hands each
 * token over ({@link #token}, which only records it); every {@code chunkTokens} tokens a chunk is built (text decoded)
 * and published on the replies executor, one after another, so chunks leave in index order and before the final
 * response. Text deltas hold back a trailing partial character (a byte-level tokenizer can end a token inside one),
 * so the deltas concatenate exactly to the final completion text. Chunks go where the final response goes: to the
 * request's own reply topic when it names one (so a gateway reads only its own chunks), else to the shared
 * {@code mint.inference.chunks}.
 */
final class ChunkStream implements TokenSink {

    private final InferenceRequest request;
    private final String topic;
    private final String revision;
    private final String workerId;
    private final int chunkTokens;
    private final Function<int[], String> decoder;
    private final Consumer<Reply> publish;
    private final Executor executor;
    private final List<Integer> pendingTokens = new ArrayList<>();
    private final List<Float> pendingLogprobs = new ArrayList<>();
    private final List<Integer> allTokens = new ArrayList<>();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private String sentText = "";
    private int index;

    /** @param topic where the chunks go ({@link InferenceHandler#chunkTopic}) */
    ChunkStream(InferenceRequest request, String topic, String revision, String workerId, int chunkTokens,
                Function<int[], String> decoder, Consumer<Reply> publish, Executor executor) {
        this.request = request;
        this.topic = topic;
        this.revision = revision;
        this.workerId = workerId;
        this.chunkTokens = chunkTokens;
        this.decoder = decoder;
        this.publish = publish;
        this.executor = executor;
    }

    @Override
    public synchronized void token(int i, int token, float logProb) {
        pendingTokens.add(token);
        pendingLogprobs.add(logProb);
        if (pendingTokens.size() >= chunkTokens) {
            flush(null);
        }
    }

    /** The last chunk (what is left, with the finish reason); completes once every chunk has been handed over. */
    synchronized CompletableFuture<Void> finish(String finishReason) {
        flush(finishReason);
        return tail;
    }

    private void flush(String finishReason) {
        List<Integer> tokens = List.copyOf(pendingTokens);
        List<Float> logprobs = List.copyOf(pendingLogprobs);
        pendingTokens.clear();
        pendingLogprobs.clear();
        int at = index++;
        tail = tail.thenRunAsync(() -> publish.accept(chunk(at, tokens, logprobs, finishReason)), executor);
    }

    /** Runs on the executor, in index order. */
    private Reply chunk(int at, List<Integer> tokens, List<Float> logprobs, String finishReason) {
        allTokens.addAll(tokens);
        String text = decoder.apply(allTokens.stream().mapToInt(Integer::intValue).toArray());
        String delta = "";
        boolean complete = finishReason != null;
        if (text.startsWith(sentText) && (complete || !text.endsWith("\uFFFD"))) {
            delta = text.substring(sentText.length());
            sentText = text;
        }
        InferenceChunk chunk = InferenceChunk.newBuilder()
                .setEventId(EventIds.derived(request.getEventId(), "chunk-" + at))
                .setPolicyId(request.getPolicyId())
                .setTime(Instant.now())
                .setRequestId(request.getRequestId())
                .setRevision(revision)
                .setWorkerId(workerId)
                .setIndex(at)
                .setTokenIds(tokens)
                .setLogprobs(logprobs)
                .setTextDelta(delta)
                .setFinishReason(finishReason)
                .build();
        return new Reply(topic, request.getPolicyId(), chunk);
    }
}
