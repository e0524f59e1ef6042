package ai.mint.orchestration;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.Metric;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each input record by its source topic, applies {@link LoopRules} to the policy's stored loop state, stores
 * the result and forwards the requests to their topics. A record that does not decode, or whose key is not its
 * policy, becomes a dead letter; the app goes on.
 */
final class LoopProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(LoopProcessor.class);

    private final LoopRules rules;
    private final String appName;
    private final Map<String, Deserializer<? extends SpecificRecord>> decoders;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, LoopState> loops;

    LoopProcessor(String appName, Map<String, Deserializer<? extends SpecificRecord>> decoders) {
        this.rules = new LoopRules(appName);
        this.appName = appName;
        this.decoders = decoders;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.loops = context.getStateStore(OrchestratorApp.LOOP_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        if (record.value() == null) {
            return; // a tombstone on the compacted catalog: nothing to drive
        }
        SpecificRecord event;
        try {
            event = decoders.get(topic).deserialize(topic, record.value());
        } catch (RuntimeException e) {
            deadLetter(record, topic, e.getClass().getName(), "cannot decode: " + e.getMessage());
            return;
        }
        String policy = String.valueOf(event.get(event.getSchema().getField("policy_id").pos()));
        if (!policy.equals(record.key())) {
            deadLetter(record, topic, "KeyMismatch", "record key '" + record.key() + "' is not its policy_id '" + policy + "'");
            return;
        }
        LoopState current = loops.get(policy);
        LoopRules.Step step;
        try {
            step = apply(current, event);
        } catch (RuntimeException e) {
            LOG.warn("cannot apply {} to loop of {}", event.getSchema().getName(), policy, e);
            deadLetter(record, topic, e.getClass().getName(), e.getMessage());
            return;
        }
        if (step.state() != null && !step.state().equals(current)) {
            loops.put(policy, step.state());
        }
        for (SpecificRecord request : step.requests()) {
            context.forward(record.withValue(request).withTimestamp(context.currentSystemTimeMs()), sinkOf(request));
        }
    }

    private LoopRules.Step apply(LoopState current, SpecificRecord event) {
        if (event instanceof CatalogEntry e) {
            return rules.onCatalog(current, e);
        }
        if (current == null) {
            return new LoopRules.Step(null, java.util.List.of()); // results of a policy whose loop this app never ran
        }
        if (event instanceof RolloutResult r) {
            return rules.onRollout(current, r);
        }
        if (event instanceof UpdateResult r) {
            return rules.onUpdate(current, r);
        }
        if (event instanceof ExportResult r) {
            return rules.onExport(current, r);
        }
        if (event instanceof EvalResult r) {
            return rules.onEval(current, r);
        }
        if (event instanceof Metric m) {
            return rules.onMetric(current, m);
        }
        throw new IllegalArgumentException("the orchestrator does not read " + event.getSchema().getFullName());
    }

    private static String sinkOf(SpecificRecord request) {
        if (request instanceof RolloutRequest) {
            return OrchestratorApp.SINK_ROLLOUT;
        }
        if (request instanceof UpdateRequest) {
            return OrchestratorApp.SINK_UPDATE;
        }
        if (request instanceof ExportRequest) {
            return OrchestratorApp.SINK_EXPORT;
        }
        if (request instanceof EvalRequest) {
            return OrchestratorApp.SINK_EVAL;
        }
        if (request instanceof RollbackRequest) {
            return OrchestratorApp.SINK_ROLLBACK;
        }
        throw new IllegalStateException("no sink for " + request.getSchema().getName());
    }

    private void deadLetter(Record<String, byte[]> record, String topic, String errorClass, String reason) {
        int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        String key = record.key() == null ? "" : record.key();
        DeadLetter letter = DeadLetters.of(LoopRules.derived(topic + "-" + partition + "-" + offset, "dlq"),
                Instant.ofEpochMilli(record.timestamp()),
                new DeadLetters.Source(topic, partition, offset, DeadLetters.keyBytes(key), record.value()),
                key, errorClass, reason == null ? errorClass : reason, appName);
        context.forward(record.withKey(key).withValue((SpecificRecord) letter), OrchestratorApp.SINK_DEAD_LETTER);
    }
}
