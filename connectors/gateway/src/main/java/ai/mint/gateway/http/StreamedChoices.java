package ai.mint.gateway.http;

import ai.mint.events.InferenceChunk;
import ai.mint.events.InferenceResponse;
import ai.mint.gateway.kafka.InferenceBridge;
import ai.mint.gateway.openai.Choice;
import ai.mint.gateway.openai.CompletionJob;
import ai.mint.gateway.openai.CompletionJob.Endpoint;
import ai.mint.gateway.openai.ModelRef;
import ai.mint.gateway.openai.OpenAiJson;
import ai.mint.gateway.openai.StreamedText;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The choices of one streamed answer as they are written: each worker chunk's text goes out as an OpenAI chunk as
 * soon as it comes ({@link StreamedText} drops repeats and holds back possible stop sequences), then the final reply
 * adds what is left and the finish reason. Each choice has a lane of its own on the writer pool, so one choice's
 * chunks are written in order and its end after them; the choices themselves interleave. Nothing is written before
 * {@link #begin} (the HTTP exchange has gone asynchronous by then).
 */
final class StreamedChoices implements InferenceBridge.ChunkListener {

    private final SseStream sse;
    private final Endpoint kind;
    private final CompletionJob job;
    private final String modelName;
    private final String id;
    private final long created;
    private final Executor writers;
    private final Runnable firstWrite;
    private final CompletableFuture<Void> begun = new CompletableFuture<>();
    private final AtomicBoolean opened = new AtomicBoolean();
    private final Lane[] lanes;

    /** One choice: its text so far and the tail of its writes. */
    private final class Lane {
        final int index;
        final StreamedText text = new StreamedText(job.sampling().stop());
        CompletableFuture<Void> tail = begun;
        boolean ended;
        boolean roleSent;

        Lane(int index) {
            this.index = index;
        }

        /** Runs {@code write} after this lane's earlier writes, whatever became of them. */
        void then(Runnable write) {
            tail = tail.handleAsync((v, e) -> {
                write.run();
                return null;
            }, writers);
        }
    }

    /** @param firstWrite runs once, when the stream opens (time to first token) */
    StreamedChoices(SseStream sse, Endpoint kind, CompletionJob job, String modelName, String id, long created,
                    Executor writers, Runnable firstWrite) {
        this.sse = sse;
        this.kind = kind;
        this.job = job;
        this.modelName = modelName;
        this.id = id;
        this.created = created;
        this.writers = writers;
        this.firstWrite = firstWrite;
        this.lanes = new Lane[job.choices()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i);
        }
    }

    SseStream sse() {
        return sse;
    }

    /** The response id every chunk carries. */
    String id() {
        return id;
    }

    /** The creation time every chunk carries (epoch seconds). */
    long created() {
        return created;
    }

    /** From now on writes may go out. */
    void begin() {
        begun.complete(null);
    }

    /** On the reply reader's thread: takes the chunk's text and queues what may be sent of it. */
    @Override
    public void chunk(int position, InferenceChunk chunk) {
        Lane lane = lanes[position];
        synchronized (lane) {
            if (lane.ended) {
                return;
            }
            String text = lane.text.accept(chunk.getIndex(), chunk.getTextDelta());
            if (!text.isEmpty()) {
                lane.then(() -> content(lane, chunk.getRevision(), delta(lane.index, text, chunk.getRevision()),
                        false));
            }
        }
    }

    /**
     * Ends choice {@code position} when its reply comes: the rest of its text and its finish reason, after its
     * chunks. Completes with the choice, or fails with the reply's error (the worker's, mapped to an ApiError).
     */
    CompletableFuture<Choice> end(int position, CompletableFuture<InferenceResponse> reply) {
        Lane lane = lanes[position];
        return reply.thenCompose(r -> {
            CompletableFuture<Choice> done = new CompletableFuture<>();
            synchronized (lane) {
                lane.ended = true; // later chunks (a redelivered answer) would come after the end
                lane.then(() -> {
                    try {
                        done.complete(last(lane, r));
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                });
            }
            return done;
        });
    }

    private Choice last(Lane lane, InferenceResponse reply) {
        Choice choice = CompletionService.choice(lane.index, reply, job, modelName);
        boolean streamed;
        String rest;
        synchronized (lane) {
            streamed = lane.text.started();
            rest = lane.text.rest(choice.text());
        }
        if (!streamed) {
            content(lane, choice.revision(), choice, job.logprobs()); // the whole choice, as one chunk
        } else if (!rest.isEmpty()) {
            content(lane, choice.revision(), delta(lane.index, rest, choice.revision()), false);
        }
        String model = CompletionService.answered(job, choice);
        sse.event(kind == Endpoint.CHAT
                ? OpenAiJson.chatChunk(id, created, model, lane.index, null, null, false, choice.finishReason())
                : OpenAiJson.completionChunk(id, created, model, choice, false, choice.finishReason()));
        return choice;
    }

    private void content(Lane lane, String revision, Choice content, boolean logprobs) {
        String model = ModelRef.answeredBy(job.model().policyId(), revision);
        sse.open(revision);
        if (opened.compareAndSet(false, true)) {
            firstWrite.run();
        }
        if (kind == Endpoint.CHAT) {
            if (!lane.roleSent) {
                sse.event(OpenAiJson.chatChunk(id, created, model, lane.index, "assistant", null, false, null));
                lane.roleSent = true;
            }
            sse.event(OpenAiJson.chatChunk(id, created, model, lane.index, null, content, logprobs, null));
        } else {
            sse.event(OpenAiJson.completionChunk(id, created, model, content, logprobs, null));
        }
    }

    private static Choice delta(int index, String text, String revision) {
        return new Choice(index, text, List.of(), List.of(), null, revision, 0, 0);
    }
}
