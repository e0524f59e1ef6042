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
 * Processes a poll of inference requests: each is decoded and resolved to its revision on its own (a bad one is
 * answered with an error and dead-lettered), then every good one joins the model thread's continuous batch and is
 * published as soon as it is answered (streamed, if it asked). The poll's future completes when all its answers are
 * published, which is when {@link RequestLoop} may commit it; meanwhile the loop takes the next poll. A registry outage
 * while decoding is thrown before anything is answered, so the loop takes the poll again: valid requests are never
 * dead-lettered for it.
 */
public final class InferenceProcessor implements RequestLoop.AsyncProcessor {

    private final WorkerOutputs outputs;
    private final InferenceHandler handler;
    private final EventDecoder<InferenceRequest> decoder;

    public InferenceProcessor(WorkerOutputs outputs, SchemaRegistryClient registry, RetryPolicy retry,
                              InferenceHandler handler) {
        this.outputs = outputs;
        this.handler = handler;
        this.decoder = EventDecoder.of(registry, InferenceRequest.class, retry);
    }

    @Override
    public CompletableFuture<?> process(List<ConsumerRecord<String, byte[]>> records) {
        List<DecodeResult<InferenceRequest>> decoded = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            decoded.add(decoder.decode(record.topic(), record.key(), record.headers(), record.value()));
        }
        List<InferenceHandler.Resolved> ready = new ArrayList<>();
        for (int r = 0; r < records.size(); r++) {
            ConsumerRecord<String, byte[]> record = records.get(r);
            if (!decoded.get(r).ok()) {
                outputs.deadLetter(record, record.key(), decoded.get(r).errorClass(), decoded.get(r).reason());
                continue;
            }
            InferenceRequest q = decoded.get(r).event();
            try {
                ready.add(handler.resolve(q));
            } catch (RuntimeException e) {
                if (Failures.isRetriable(e)) {
                    throw e;
                }
                String reason = e instanceof RejectedWorkException ? e.getMessage() : e.toString();
                Reply failure = handler.failure(q, reason);
                outputs.sendAndWait(failure.topic(), failure.key(), failure.event());
                outputs.deadLetter(record, q.getPolicyId(), e, reason);
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
