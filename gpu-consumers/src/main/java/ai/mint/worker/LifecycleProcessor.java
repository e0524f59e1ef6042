package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.Failures;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.decode.TopicDecoders;
import ai.mint.events.EvalRequest;
import ai.mint.events.ExportRequest;
import ai.mint.events.RolloutRequest;
import ai.mint.events.UpdateRequest;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes a poll of lifecycle requests (rollout, update, export, eval): decodes each, checks its key, runs the
 * role's handler and publishes its result with the request's correlation id. A policy's requests are handled in the
 * order of the poll (offset order), while the requests of different policies share the model: the poll runs in rounds
 * of at most one request per policy, and a round's rollouts run as one generation batch and its updates as one
 * K-policy training step. Input that cannot be processed is answered with an error result (when it decoded) and a
 * dead letter naming the reason; nothing stops the worker. A failure that is not the input's (the registry or the
 * broker down) is thrown instead, so that {@link RequestLoop} takes the poll again from its last commit: valid work is
 * never dead-lettered for it. The whole poll is decoded before any work starts, so such a retry redoes no finished
 * work.
 */
public final class LifecycleProcessor implements Consumer<List<ConsumerRecord<String, byte[]>>> {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleProcessor.class);

    private final ResultPublisher outputs;
    private final TopicDecoders decoders;
    private final RolloutHandler rollout;
    private final UpdateHandler update;
    private final ExportHandler export;
    private final EvalHandler eval;

    public LifecycleProcessor(ResultPublisher outputs, SchemaRegistryClient registry, RetryPolicy retry,
                              List<TopicSpec> topics, RolloutHandler rollout, UpdateHandler update,
                              ExportHandler export, EvalHandler eval) {
        this.outputs = outputs;
        Map<String, Class<? extends SpecificRecord>> types = new LinkedHashMap<>();
        for (TopicSpec t : topics) {
            types.put(t.name(), TopicTypes.valueClass(t));
        }
        this.decoders = new TopicDecoders(registry, types, retry);
        this.rollout = rollout;
        this.update = update;
        this.export = export;
        this.eval = eval;
    }

    /** A decoded request and the record it came in. */
    private record Pending(ConsumerRecord<String, byte[]> record, SpecificRecord request) {
    }

    /** Processes a poll in rounds: each round takes the next request of every policy that has one. */
    @Override
    public void accept(List<ConsumerRecord<String, byte[]>> records) {
        List<Pending> decoded = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            SpecificRecord request = decode(record); // a registry outage throws here, before any work of this poll
            if (request != null) {
                decoded.add(new Pending(record, request));
            }
        }
        PolicyRounds.of(decoded, p -> p.record().key()).forEach(this::runRound);
    }

    /** One request per policy: rollouts batched, updates batched, the rest one by one. */
    private void runRound(List<Pending> round) {
        List<Pending> rollouts = round.stream().filter(p -> p.request() instanceof RolloutRequest).toList();
        List<Pending> updates = round.stream().filter(p -> p.request() instanceof UpdateRequest).toList();
        runBatch(rollouts, requests -> rollout.handleAll(requests.stream().map(r -> (RolloutRequest) r).toList()));
        runBatch(updates, requests -> update.handleAll(requests.stream().map(r -> (UpdateRequest) r).toList()));
        for (Pending p : round) {
            if (!(p.request() instanceof RolloutRequest) && !(p.request() instanceof UpdateRequest)) {
                process(p.record(), p.request());
            }
        }
    }

    private void runBatch(List<Pending> batch, Function<List<SpecificRecord>, List<Attempt>> handler) {
        if (batch.isEmpty()) {
            return;
        }
        List<Attempt> outcomes;
        try {
            outcomes = handler.apply(batch.stream().map(Pending::request).toList());
        } catch (RuntimeException e) { // the handler itself failed: every request of the batch hears why
            outcomes = batch.stream().map(p -> Attempt.failed(e)).toList();
        }
        for (int i = 0; i < batch.size(); i++) {
            Attempt outcome = outcomes.get(i);
            if (outcome.error() == null) {
                send(outcome.reply());
            } else {
                refuse(batch.get(i).record(), batch.get(i).request(), outcome.error());
            }
        }
    }

    /** The decoded request, or null after dead-lettering a record that does not decode or is keyed wrongly. */
    private SpecificRecord decode(ConsumerRecord<String, byte[]> record) {
        DecodeResult<SpecificRecord> decoded = decoders.decode(record.topic(), record.key(), record.headers(),
                record.value());
        if (!decoded.ok()) {
            outputs.deadLetter(record, record.key(), decoded.errorClass(), decoded.reason());
            return null;
        }
        return decoded.event();
    }

    private void process(ConsumerRecord<String, byte[]> record, SpecificRecord request) {
        try {
            send(handle(request));
        } catch (RuntimeException e) {
            refuse(record, request, e);
        }
    }

    /** Answers with an error result and a dead letter naming the reason; rethrows what is not the request's fault. */
    private void refuse(ConsumerRecord<String, byte[]> record, SpecificRecord request, RuntimeException e) {
        if (Failures.isRetriable(e)) {
            throw e; // the registry or the broker failed (e.g. publishing the result), not the request
        }
        String policy = record.key();
        String reason = e instanceof RejectedWorkException ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!(e instanceof RejectedWorkException)) {
            LOG.warn("{} of {} failed", request.getSchema().getName(), policy, e);
        }
        send(failure(request, reason));
        outputs.deadLetter(record, policy, e, reason);
    }

    /** Export and eval run one by one (rollouts and updates run batched, see {@link #runRound}). */
    private Reply handle(SpecificRecord request) {
        if (request instanceof ExportRequest q) {
            return export.handle(q);
        }
        if (request instanceof EvalRequest q) {
            return eval.handle(q);
        }
        throw new IllegalArgumentException("no one-by-one handler for " + request.getSchema().getFullName());
    }

    private Reply failure(SpecificRecord request, String reason) {
        if (request instanceof RolloutRequest q) {
            return rollout.failure(q, reason);
        }
        if (request instanceof UpdateRequest q) {
            return update.failure(q, reason);
        }
        if (request instanceof ExportRequest q) {
            return export.failure(q, reason);
        }
        return eval.failure((EvalRequest) request, reason);
    }

    private void send(Reply reply) {
        outputs.publish(reply);
    }
}
