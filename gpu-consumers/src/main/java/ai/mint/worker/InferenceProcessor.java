package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.Failures;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.events.InferenceRequest;
import ai.mint.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    public InferenceProcessor(WorkerOutputs outputs, SchemaRegistryClient registry, RetryPolicy retry,
                              InferenceHandler handler) {
        this.outputs = outputs;
        this.handler = handler;
        this.decoder = EventDecoder.of(registry, InferenceRequest.class, retry);
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
        for (Incoming in : requests) {
            InferenceRequest q = in.request();
            try {
                ready.add(handler.resolve(q));
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
        for (InferenceHandler.Resolved r : ready) {
            published.add(handler.answer(r, this::publishChunk).thenCompose(this::publishAll));
        }
        return CompletableFuture.allOf(published.toArray(CompletableFuture[]::new));
    }

    /** A chunk goes out as it comes; the request is committed only once its final answer is out. */
    private void publishChunk(Reply chunk) {
        outputs.sendAsync(chunk.topic(), chunk.key(), chunk.event());
    }

    private CompletableFuture<Void> publishAll(List<Reply> replies) {
        List<CompletableFuture<?>> sent = new ArrayList<>(replies.size());
        replies.forEach(reply -> sent.add(outputs.sendAsync(reply.topic(), reply.key(), reply.event())));
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }
}
