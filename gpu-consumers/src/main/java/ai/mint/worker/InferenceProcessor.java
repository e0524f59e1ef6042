package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.Failures;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.ReplyTopics;
import ai.mint.events.InferenceRequest;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The worker's inference path behind its intakes: requests (a poll of raw request records, or the requests of the
 * packs {@link PackRunner} hands in) are each resolved to their revision on their own (a bad one is answered with an
 * error and dead-lettered), then every good one joins the model thread's continuous batch and is published as soon as
 * it is answered (streamed, if it asked). The returned future completes when all the answers are published, which is
 * when {@link RequestLoop} may commit the poll or the runner may report its packs done; meanwhile the intake takes
 * more. A registry outage while decoding is thrown before anything is answered, so the loop takes the poll again:
 * valid requests are never dead-lettered for it.
 */
public final class InferenceProcessor implements RequestLoop.AsyncProcessor {

    /** The error code of failures that are the worker's, not the request's. */
    static final String INTERNAL = "internal";

    private final WorkerOutputs outputs;
    private final InferenceHandler handler;
    private final EventDecoder<InferenceRequest> decoder;
    private final Function<Collection<String>, Set<String>> existingReplyTopics;

    /** A processor that takes every named reply topic to exist (tests over a mock producer). */
    public InferenceProcessor(WorkerOutputs outputs, SchemaRegistryClient registry, RetryPolicy retry,
                              InferenceHandler handler) {
        this(outputs, registry, retry, handler, HashSet::new);
    }

    /**
     * @param existingReplyTopics which of the given reply topics exist now ({@link ReplyTopics#existing}):
     *                            a request whose own reply topic is gone is dead-lettered unanswered, since a send
     *                            there would wait for the topic's metadata and hold every answer behind it
     */
    public InferenceProcessor(WorkerOutputs outputs, SchemaRegistryClient registry, RetryPolicy retry,
                              InferenceHandler handler, Function<Collection<String>, Set<String>> existingReplyTopics) {
        this.outputs = outputs;
        this.handler = handler;
        this.decoder = EventDecoder.of(registry, InferenceRequest.class, retry);
        this.existingReplyTopics = existingReplyTopics;
    }

    /** A decoded request and the record it came in (the request itself, or the pack that carried it). */
    public record Incoming(InferenceRequest request, ConsumerRecord<String, byte[]> source) {
    }

    /** The raw intake: a poll of inference request records. */
    @Override
    public CompletableFuture<?> process(List<ConsumerRecord<String, byte[]>> records) {
        List<DecodeResult<InferenceRequest>> decoded = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            decoded.add(decoder.decode(record.topic(), record.key(), record.headers(), record.value()));
        }
        List<Incoming> good = new ArrayList<>(records.size());
        for (int r = 0; r < records.size(); r++) {
            ConsumerRecord<String, byte[]> record = records.get(r);
            if (!decoded.get(r).ok()) {
                outputs.deadLetter(record, record.key(), decoded.get(r).errorClass(), decoded.get(r).reason());
            } else {
                good.add(new Incoming(decoded.get(r).event(), record));
            }
        }
        return answer(good);
    }

    /**
     * Answers decoded requests, each exactly once (with a completion, or with an error that says why); the future
     * completes when every answer is published. A request that cannot be resolved is answered and dead-lettered (with
     * its source record) before this returns.
     */
    public CompletableFuture<?> answer(List<Incoming> requests) {
        List<InferenceHandler.Resolved> ready = new ArrayList<>();
        List<Incoming> sources = new ArrayList<>();
        Set<String> reachable = reachableReplyTopics(requests);
        for (Incoming in : requests) {
            InferenceRequest q = in.request();
            String replyTopic = q.getReplyTopic();
            if (replyTopic != null && !replyTopic.isBlank() && !reachable.contains(replyTopic)) {
                // no answer can reach its sender: say so on the dead-letter topic, and hold no one else up
                outputs.deadLetter(in.source(), q.getPolicyId(), "UNREACHABLE_REPLY_TOPIC",
                        Topics.isInferenceReplyTopic(replyTopic)
                                ? "reply topic " + replyTopic + " does not exist (its client has gone?); request "
                                + q.getRequestId() + " was not answered"
                                : "reply_topic " + replyTopic + " is not an inference reply topic ("
                                + Topics.INFERENCE_REPLIES_PREFIX + "ID); request " + q.getRequestId()
                                + " was not answered");
                continue;
            }
            try {
                ready.add(handler.resolve(q));
                sources.add(in);
            } catch (RuntimeException e) {
                if (Failures.isRetriable(e)) {
                    throw e;
                }
                String reason = e instanceof RejectedWorkException ? e.getMessage() : e.toString();
                String code = e instanceof RejectedWorkException rejected && rejected.code() != null
                        ? rejected.code() : INTERNAL;
                Reply failure = handler.failure(q, reason, code);
                outputs.sendAndWait(failure.topic(), failure.key(), failure.event());
                outputs.deadLetter(in.source(), q.getPolicyId(), e, reason);
            }
        }
        List<CompletableFuture<?>> published = new ArrayList<>(ready.size());
        for (int i = 0; i < ready.size(); i++) {
            Incoming in = sources.get(i);
            published.add(handler.answer(ready.get(i), this::publishChunk)
                    .thenCompose(replies -> publishAll(replies, in)));
        }
        return CompletableFuture.allOf(published.toArray(CompletableFuture[]::new));
    }

    /** The reply topics named by these requests that may be written: inference reply topics that exist now. */
    private Set<String> reachableReplyTopics(List<Incoming> requests) {
        Set<String> named = new HashSet<>();
        for (Incoming in : requests) {
            String topic = in.request().getReplyTopic();
            if (topic != null && !topic.isBlank() && Topics.isInferenceReplyTopic(topic)) {
                named.add(topic);
            }
        }
        return named.isEmpty() ? Set.of() : existingReplyTopics.apply(named);
    }

    /** A chunk goes out as it comes; the request is committed only once its final answer is out. */
    private void publishChunk(Reply chunk) {
        outputs.sendAsync(chunk.topic(), chunk.key(), chunk.event());
    }

    /**
     * Sends a request's replies. One that the broker refuses for good (the producer has retried already) is
     * dead-lettered with the reason instead of failing the batch, so the batch is not generated and sent again; only
     * when the dead letter cannot be published either (the broker is down) does the batch fail.
     */
    private CompletableFuture<Void> publishAll(List<Reply> replies, Incoming in) {
        List<CompletableFuture<?>> sent = new ArrayList<>(replies.size());
        for (Reply reply : replies) {
            sent.add(outputs.sendAsync(reply.topic(), reply.key(), reply.event()).handle((done, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    outputs.deadLetter(in.source(), in.request().getPolicyId(), cause, "the answer to request "
                            + in.request().getRequestId() + " could not be published to " + reply.topic() + ": "
                            + cause);
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }
}
