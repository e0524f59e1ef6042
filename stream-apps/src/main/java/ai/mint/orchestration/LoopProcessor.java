package ai.mint.orchestration;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.Failures;
import ai.mint.common.decode.TopicDecoders;
import ai.mint.common.ids.EventIds;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.FeedbackExample;
import ai.mint.events.Metric;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.streams.StreamDeadLetters;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
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
 * policy, becomes a dead letter; the app goes on. A request whose result does not come within its stage's deadline
 * ({@link StageDeadlines}, checked on the wall clock) counts as a failed try and leaves a dead letter. A registry outage is not the record's fault: it is retried in place
 * and, if it lasts, fails the task, which takes the record again from its last commit.
 */
final class LoopProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(LoopProcessor.class);
    /** Error class of the dead letter that records a request whose result never came. */
    static final String STAGE_DEADLINE = "STAGE_DEADLINE";
    /** Error class of the dead letter of a feedback example an update could not train on. */
    static final String INVALID_FEEDBACK_EXAMPLE = "INVALID_FEEDBACK_EXAMPLE";

    private final String appName;
    private final SchemaRegistryClient registry;
    private final Map<String, Class<? extends SpecificRecord>> inputs;
    private final OrchestratorTopics topics;
    private LoopRules rules;
    private int maxAttempts;
    private TopicDecoders decoders;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, LoopState> loops;
    private StageDeadlines stageDeadlines;
    private DeadlineIndex deadlines;
    private FeedbackBuffer feedback;

    /**
     * @param inputs       the event type of each input topic
     * @param topics       the app's topics: its catalog's tombstones are ignored, a request past its deadline is
     *                     dead-lettered under its own topic
     */
    LoopProcessor(String appName, SchemaRegistryClient registry, Map<String, Class<? extends SpecificRecord>> inputs,
                  OrchestratorTopics topics) {
        this.appName = appName;
        this.registry = registry;
        this.inputs = inputs;
        this.topics = topics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.loops = context.getStateStore(OrchestratorApp.LOOP_STORE);
        Map<String, Object> settings = context.appConfigs();
        this.maxAttempts = OrchestratorConfig.stepMaxAttempts(settings);
        this.rules = new LoopRules(appName, maxAttempts);
        this.decoders = new TopicDecoders(registry, inputs, DecodeConfig.retryPolicy(settings));
        this.stageDeadlines = StageDeadlines.from(settings);
        this.deadlines = new DeadlineIndex(context.getStateStore(OrchestratorApp.DEADLINE_STORE), stageDeadlines);
        this.feedback = new FeedbackBuffer(context.getStateStore(OrchestratorApp.FEEDBACK_STORE));
        context.schedule(Duration.ofMillis(stageDeadlines.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                this::expireDue);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        if (record.value() == null && topic.equals(topics.catalog())) {
            return; // a tombstone on the compacted catalog: nothing to drive
        }
        DecodeResult<SpecificRecord> decoded = decoders.decode(topic, record.key(), record.headers(), record.value());
        if (!decoded.ok()) {
            deadLetter(record, topic, decoded.errorClass(), decoded.reason());
            return;
        }
        SpecificRecord event = decoded.event();
        String policy = record.key();
        LoopState current = loops.get(policy);
        if (event instanceof FeedbackExample example) {
            onFeedback(record, topic, policy, current, example);
            return;
        }
        LoopRules.Step step;
        try {
            step = apply(current, event);
        } catch (RuntimeException e) {
            if (Failures.isRetriable(e)) {
                throw e;
            }
            LOG.warn("cannot apply {} to loop of {}", event.getSchema().getName(), policy, e);
            deadLetter(record, topic, e.getClass().getName(), e.getMessage());
            return;
        }
        commit(policy, current, step, context.currentSystemTimeMs(), eventIdOf(event));
    }

    /**
     * A logged completion with its feedback: buffered for a policy that opted in (and an update started once a
     * batch is there and the loop is idle); ignored for one that did not, since feedback is collected for every policy
     * and only some train on it. An example the update could not use is dead-lettered with the reason.
     */
    private void onFeedback(Record<String, byte[]> record, String topic, String policy, LoopState current,
                            FeedbackExample example) {
        if (current == null || current.spec().feedback() == null) {
            LOG.debug("policy {} does not train on feedback: example {} ignored", policy, example.getEventId());
            return;
        }
        Optional<String> problem = FeedbackExamples.problem(example);
        if (problem.isPresent()) {
            deadLetter(record, topic, INVALID_FEEDBACK_EXAMPLE, "policy " + policy + ": feedback example "
                    + example.getEventId() + " " + problem.get());
            return;
        }
        long seq = context.recordMetadata().map(RecordMetadata::offset).orElse(record.timestamp());
        int dropped = feedback.add(policy, FeedbackExamples.buffered(seq, example), current.spec().feedback().maxBuffered());
        if (dropped > 0) {
            LOG.warn("policy {}: feedback buffer full ({} examples), dropped the {} oldest", policy,
                    current.spec().feedback().maxBuffered(), dropped);
        }
        commit(policy, current, LoopRules.Step.unchanged(current), context.currentSystemTimeMs(), example.getEventId());
    }

    /**
     * Stores a loop's new state (with its deadline) and sends the step's requests. A feedback step that finished
     * frees the examples it trained on; a loop that is idle afterwards starts a feedback update if a batch waits.
     */
    private LoopState commit(String policy, LoopState before, LoopRules.Step step, long nowMs, String causeEventId) {
        LoopState after = step.state();
        if (after != null) {
            if (before != null && after.feedbackConsumedThrough() > before.feedbackConsumedThrough()) {
                feedback.dropThrough(policy, after.feedbackConsumedThrough());
            }
            after = deadlines.track(policy, before, after, nowMs);
            if (!after.equals(before)) {
                loops.put(policy, after);
            }
        }
        for (SpecificRecord request : step.requests()) {
            context.forward(new Record<>(policy, request, nowMs), sinkOf(request));
        }
        if (after != null && step.requests().isEmpty() && rules.canStartFeedback(after)) {
            LoopRules.Step started = rules.startFeedback(after,
                    feedback.oldest(policy, after.spec().feedback().batchSize()), causeEventId);
            if (!started.requests().isEmpty()) {
                return commit(policy, after, started, nowMs, causeEventId);
            }
        }
        return after;
    }

    /** The periodic deadline check: each request still awaited past its deadline counts as a failed try. */
    private void expireDue(long nowMs) {
        for (DeadlineIndex.Due due : deadlines.takeDue(nowMs)) {
            LoopState current = loops.get(due.policyId());
            if (!DeadlineIndex.stillAwaited(due, current)) {
                continue;
            }
            long waited = stageDeadlines.of(current.phase());
            String requestTopic = requestTopic(current.phase());
            LoopState after = commit(due.policyId(), current, rules.onDeadline(current, due.correlation(), waited),
                    nowMs, EventIds.derived(due.correlation(), "deadline"));
            String outcome = after.phase() == LoopPhase.FAILED ? "loop FAILED: " + after.failure()
                    : after.phase().inFlight() ? "step " + after.pendingStep() + " started again (try "
                    + (after.attempt() + 1) + " of " + maxAttempts + ")"
                    : "the feedback step waits for a full batch to start again (try " + (after.attempt() + 1) + " of "
                    + maxAttempts + ")";
            String reason = "no result for " + requestTopic + " request " + due.correlation() + " within " + waited
                    + " ms; " + outcome;
            LOG.warn("policy {}: {}", due.policyId(), reason);
            DeadLetter letter = DeadLetters.of(EventIds.derived(due.correlation(), "deadline-dead-letter"),
                    Instant.ofEpochMilli(nowMs),
                    new DeadLetters.Source(requestTopic, -1, -1L, DeadLetters.keyBytes(due.policyId()), null),
                    due.policyId(), STAGE_DEADLINE, reason, appName,
                    DecodeConfig.deadLetterMaxValueBytes(context.appConfigs()));
            context.forward(new Record<String, SpecificRecord>(DeadLetters.recordKey(due.policyId()), letter, nowMs),
                    OrchestratorApp.SINK_DEAD_LETTER);
        }
    }

    private String requestTopic(LoopPhase phase) {
        return switch (phase) {
            case ROLLOUT -> topics.rolloutRequests();
            case UPDATE -> topics.updateRequests();
            case EXPORT -> topics.exportRequests();
            case EVAL -> topics.evalRequests();
            default -> throw new IllegalStateException("no request is awaited in " + phase);
        };
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

    /** Every input of the orchestrator carries an event_id (the generated classes share no interface). */
    private static String eventIdOf(SpecificRecord event) {
        return String.valueOf(event.get(event.getSchema().getField("event_id").pos()));
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
        DeadLetter letter = StreamDeadLetters.of(context, record.key(), record.value(), record.timestamp(), errorClass,
                reason, appName);
        context.forward(record.withKey(DeadLetters.recordKey(record.key())).withValue((SpecificRecord) letter),
                OrchestratorApp.SINK_DEAD_LETTER);
    }
}
