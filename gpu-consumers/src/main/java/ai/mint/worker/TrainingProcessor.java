package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.Failures;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.ReplyTopics;
import ai.mint.events.TrainingRequest;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Set;
import java.util.function.Function;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes a poll of training API calls. One policy's calls run in offset order; the calls of different policies
 * share the model: the poll runs in rounds of at most one call per policy, and a round's forward_backward calls run
 * as one K-policy step, its forward calls as one pass and its sample calls as one generation batch (the training
 * service merges them). A call that cannot run is answered on its reply topic with the reason; bad input is also
 * dead-lettered, while an optim_step whose gradients are not here ({@link GradientsNotHereException}) is answered as
 * retriable only (nothing is wrong with it). A failure that is not the call's (registry or broker down) is thrown, so
 * that {@link RequestLoop} takes the poll again; the whole poll is decoded before any work starts. A call is run only
 * when its reply topic is a client's reply topic and still exists (a closed client's late calls are dead-lettered).
 */
public final class TrainingProcessor implements Consumer<List<ConsumerRecord<String, byte[]>>> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingProcessor.class);

    private final ResultPublisher outputs;
    private final EventDecoder<TrainingRequest> decoder;
    private final TrainingCallHandler handler;
    private final Function<Collection<String>, Set<String>> existingReplyTopics;

    /**
     * @param existingReplyTopics which of the given reply topics exist now ({@link ReplyTopics#existing}): calls
     *                            whose reply topic is gone are dead-lettered without being run
     */
    public TrainingProcessor(ResultPublisher outputs, SchemaRegistryClient registry, RetryPolicy retry,
                             TrainingCallHandler handler, Function<Collection<String>, Set<String>> existingReplyTopics) {
        this.outputs = outputs;
        this.decoder = EventDecoder.of(registry, TrainingRequest.class, retry);
        this.handler = handler;
        this.existingReplyTopics = existingReplyTopics;
    }

    /** A decoded call and the record it came in. */
    private record Pending(ConsumerRecord<String, byte[]> record, TrainingRequest call) {
    }

    @Override
    public void accept(List<ConsumerRecord<String, byte[]>> records) {
        List<Pending> calls = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            DecodeResult<TrainingRequest> decoded = decoder.decode(record.topic(), record.key(), record.headers(),
                    record.value()); // a registry outage throws here, before any work of this poll
            if (!decoded.ok()) {
                outputs.deadLetter(record, record.key(), decoded.errorClass(), decoded.reason());
                continue;
            }
            TrainingRequest call = decoded.event();
            if (!call.getPolicyId().equals(record.key())) {
                outputs.deadLetter(record, record.key(), "KeyMismatch", "the call of policy '" + call.getPolicyId()
                        + "' is keyed '" + record.key() + "'; calls are keyed by their policy id");
                continue;
            }
            if (!ReplyTopics.isTrainingReplyTopic(call.getReplyTopic())) {
                outputs.deadLetter(record, record.key(), "BadReplyTopic", "reply_topic '" + call.getReplyTopic()
                        + "' is not a client's reply topic (" + Topics.REPLY_TOPIC_PREFIX + "CLIENT)");
                continue;
            }
            calls.add(new Pending(record, call));
        }
        Set<String> live = calls.isEmpty() ? Set.of()
                : existingReplyTopics.apply(calls.stream().map(p -> p.call().getReplyTopic()).toList());
        calls.removeIf(p -> {
            if (live.contains(p.call().getReplyTopic())) {
                return false;
            }
            outputs.deadLetter(p.record(), p.call().getPolicyId(), "ReplyTopicGone", "reply topic "
                    + p.call().getReplyTopic() + " does not exist (its client closed), so the call was not run");
            return true;
        });
        PolicyRounds.of(calls, p -> p.record().key()).forEach(this::runRound);
    }

    /** One call per policy: each mergeable kind as one batch, the rest one by one. */
    private void runRound(List<Pending> round) {
        Map<TrainingCallHandler.Kind, List<Pending>> byKind = new LinkedHashMap<>();
        for (Pending p : round) {
            byKind.computeIfAbsent(TrainingCallHandler.kindOf(p.call()), k -> new ArrayList<>()).add(p);
        }
        byKind.forEach((kind, calls) -> {
            switch (kind) {
                case FORWARD_BACKWARD -> runBatch(calls, batch -> handler.forwardBackwardAll(batch, true));
                case FORWARD -> runBatch(calls, batch -> handler.forwardBackwardAll(batch, false));
                case SAMPLE -> runBatch(calls, handler::sampleAll);
                case ONE_BY_ONE -> calls.forEach(p -> {
                    try {
                        outputs.publish(handler.handle(p.call()));
                    } catch (RuntimeException e) {
                        refuse(p, e);
                    }
                });
            }
        });
    }

    private void runBatch(List<Pending> batch, Function<List<TrainingRequest>, List<Attempt>> run) {
        List<Attempt> outcomes;
        try {
            outcomes = run.apply(batch.stream().map(Pending::call).toList());
        } catch (RuntimeException e) { // the batch itself failed: every call of it hears why
            if (Failures.isRetriable(e)) {
                throw e;
            }
            outcomes = batch.stream().map(p -> Attempt.failed(e)).toList();
        }
        for (int i = 0; i < batch.size(); i++) {
            Attempt outcome = outcomes.get(i);
            if (outcome.error() == null) {
                outputs.publish(outcome.reply());
            } else {
                refuse(batch.get(i), outcome.error());
            }
        }
    }

    /** Answers with the reason; dead-letters bad input; rethrows what is not the call's fault. */
    private void refuse(Pending p, RuntimeException e) {
        if (Failures.isRetriable(e)) {
            throw e;
        }
        if (e instanceof GradientsNotHereException) {
            outputs.publish(handler.failure(p.call(), e.getMessage(), true));
            return;
        }
        String reason = e instanceof RejectedWorkException ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!(e instanceof RejectedWorkException)) {
            LOG.warn("training call of {} failed", p.call().getPolicyId(), e);
        }
        outputs.publish(handler.failure(p.call(), reason, false));
        outputs.deadLetter(p.record(), p.call().getPolicyId(), e, reason);
    }
}
