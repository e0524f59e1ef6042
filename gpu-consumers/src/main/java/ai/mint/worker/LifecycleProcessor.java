package ai.mint.worker;

import ai.mint.events.EvalRequest;
import ai.mint.events.ExportRequest;
import ai.mint.events.RolloutRequest;
import ai.mint.events.UpdateRequest;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes lifecycle requests (rollout, update, export, eval) one by one: decodes, checks the key, runs the role's
 * handler and publishes its result with the request's correlation id. Input that cannot be processed is answered with
 * an error result (when it decoded) and a dead letter naming the reason; nothing stops the worker.
 */
public final class LifecycleProcessor implements Consumer<List<ConsumerRecord<String, byte[]>>> {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleProcessor.class);

    private final ResultPublisher outputs;
    private final Map<String, AvroEventDeserializer<SpecificRecord>> decoders = new HashMap<>();
    private final RolloutHandler rollout;
    private final UpdateHandler update;
    private final ExportHandler export;
    private final EvalHandler eval;

    public LifecycleProcessor(ResultPublisher outputs, SchemaRegistryClient registry, List<TopicSpec> topics,
                              RolloutHandler rollout, UpdateHandler update, ExportHandler export, EvalHandler eval) {
        this.outputs = outputs;
        for (TopicSpec t : topics) {
            decoders.put(t.name(), new AvroEventDeserializer<>(registry, TopicTypes.valueClass(t)));
        }
        this.rollout = rollout;
        this.update = update;
        this.export = export;
        this.eval = eval;
    }

    /**
     * Processes a poll: update requests of distinct policies are trained together in one batched step (concurrent
     * multi-policy GRPO); everything else one by one, in order.
     */
    @Override
    public void accept(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumerRecord<String, byte[]>> updateRecords = new ArrayList<>();
        List<UpdateRequest> updates = new ArrayList<>();
        Set<String> updatedPolicies = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            SpecificRecord request = decode(record);
            if (request == null) {
                continue;
            }
            if (request instanceof UpdateRequest q && updatedPolicies.add(q.getPolicyId())) {
                updateRecords.add(record);
                updates.add(q);
            } else {
                process(record, request);
            }
        }
        if (updates.isEmpty()) {
            return;
        }
        List<UpdateHandler.Try> outcomes = update.handleAll(updates);
        for (int i = 0; i < updates.size(); i++) {
            UpdateHandler.Try outcome = outcomes.get(i);
            if (outcome.error() == null) {
                send(outcome.reply());
            } else {
                refuse(updateRecords.get(i), updates.get(i), outcome.error());
            }
        }
    }

    /** The decoded request, or null after dead-lettering a record that does not decode or is keyed wrongly. */
    private SpecificRecord decode(ConsumerRecord<String, byte[]> record) {
        SpecificRecord request;
        try {
            request = decoders.get(record.topic()).deserialize(record.topic(), record.value());
            if (request == null) {
                throw new IllegalArgumentException("record has no value");
            }
        } catch (RuntimeException e) {
            outputs.deadLetter(record, record.key(), e, "cannot decode " + record.topic() + " record: " + e.getMessage());
            return null;
        }
        String policy = String.valueOf(request.get(request.getSchema().getField("policy_id").pos()));
        if (!policy.equals(record.key())) {
            outputs.deadLetter(record, policy, null, "record key '" + record.key() + "' is not its policy_id '"
                    + policy + "'; requests must be keyed by policy id");
            return null;
        }
        return request;
    }

    private void process(ConsumerRecord<String, byte[]> record, SpecificRecord request) {
        try {
            send(handle(request));
        } catch (RuntimeException e) {
            refuse(record, request, e);
        }
    }

    /** Answers with an error result and a dead letter naming the reason. */
    private void refuse(ConsumerRecord<String, byte[]> record, SpecificRecord request, RuntimeException e) {
        String policy = record.key();
        String reason = e instanceof RejectedWorkException ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!(e instanceof RejectedWorkException)) {
            LOG.warn("{} of {} failed", request.getSchema().getName(), policy, e);
        }
        send(failure(request, reason));
        outputs.deadLetter(record, policy, e, reason);
    }

    private Reply handle(SpecificRecord request) {
        if (request instanceof RolloutRequest q) {
            return rollout.handle(q);
        }
        if (request instanceof UpdateRequest q) {
            return update.handle(q);
        }
        if (request instanceof ExportRequest q) {
            return export.handle(q);
        }
        if (request instanceof EvalRequest q) {
            return eval.handle(q);
        }
        throw new IllegalArgumentException("no handler for " + request.getSchema().getFullName());
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
