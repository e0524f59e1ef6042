package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.Failures;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.events.InferenceRequest;
import ai.mint.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The worker's inference path behind its intakes: requests (a poll of raw request records, or the requests of the
 * packs {@link PackRunner} hands in) are each resolved to their revision on their own (a bad one is answered with an
 * error and dead-lettered), then all good ones are answered in batched generate calls. A registry outage while
 * decoding is thrown before anything is answered, so {@link RequestLoop} takes the poll again: valid requests are
 * never dead-lettered for it.
 */
public final class InferenceProcessor implements Consumer<List<ConsumerRecord<String, byte[]>>> {

    /** The error code of failures that are the worker's, not the request's. */
    static final String INTERNAL = "internal";

    private final WorkerOutputs outputs;
    private final InferenceHandler handler;
    private final EventDecoder<InferenceRequest> decoder;
    private final int maxBatch;

    public InferenceProcessor(WorkerOutputs outputs, SchemaRegistryClient registry, RetryPolicy retry,
                              InferenceHandler handler, int maxBatch) {
        this.outputs = outputs;
        this.handler = handler;
        this.decoder = EventDecoder.of(registry, InferenceRequest.class, retry);
        this.maxBatch = maxBatch;
    }

    /** A decoded request and the record it came in (the request itself, or the pack that carried it). */
    public record Incoming(InferenceRequest request, ConsumerRecord<String, byte[]> source) {
    }

    /** The raw intake: a poll of inference request records. */
    @Override
    public void accept(List<ConsumerRecord<String, byte[]>> records) {
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
        answer(good);
    }

    /**
     * Answers decoded requests, each exactly once (with a completion, or with an error that says why) before it
     * returns; a request that cannot be resolved is also dead-lettered with its source record.
     */
    public void answer(List<Incoming> requests) {
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
        for (int from = 0; from < ready.size(); from += maxBatch) {
            List<InferenceHandler.Resolved> batch = ready.subList(from, Math.min(ready.size(), from + maxBatch));
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<Reply> replies;
            try {
                replies = handler.answer(batch);
            } catch (RuntimeException e) {
                replies = batch.stream().map(r -> handler.failure(r.request(), "generation failed: " + e, INTERNAL))
                        .toList();
            }
            for (Reply reply : replies) {
                sent.add(outputs.send(reply.topic(), reply.key(), reply.event()));
            }
            outputs.flush();
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot publish inference responses: " + e, e);
                }
            }
        }
    }
}
