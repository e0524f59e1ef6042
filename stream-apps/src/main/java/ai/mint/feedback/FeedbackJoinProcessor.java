package ai.mint.feedback;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.ids.EventIds;
import ai.mint.events.DeadLetter;
import ai.mint.events.Feedback;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.streams.StreamDeadLetters;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins feedback with the response it is about, on request id: it holds each response (and the tenant of each
 * request) for {@link FeedbackWindow#retentionMs()}, remembers which requests had feedback, and lets feedback that
 * came before its response wait for the grace. Each feedback becomes one {@code FeedbackExample} or one dead letter
 * with the reason ({@link FeedbackJoin}); redelivered feedback (the same event id) is dropped. A registry outage is
 * not the record's fault: it is rethrown, and the task takes the record again from its last commit.
 */
final class FeedbackJoinProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackJoinProcessor.class);
    /** Counter of the examples produced. */
    static final String EXAMPLES_METRIC = "mint.feedback.examples";

    private final String appName;
    private final SchemaRegistryClient registry;
    private final FeedbackTopics topics;
    private final FeedbackWindow window;
    private ProcessorContext<String, SpecificRecord> context;
    private EventDecoder<Feedback> feedbackDecoder;
    private EventDecoder<InferenceRequest> requestDecoder;
    private EventDecoder<InferenceResponse> responseDecoder;
    private WindowStore<String, HeldResponse> responses;
    private WindowStore<String, String> tenants;
    private WindowStore<String, String> seen;
    private KeyValueStore<String, HeldFeedback> waiting;

    FeedbackJoinProcessor(String appName, SchemaRegistryClient registry, FeedbackTopics topics, FeedbackWindow window) {
        this.appName = appName;
        this.registry = registry;
        this.topics = topics;
        this.window = window;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        RetryPolicy retry = DecodeConfig.retryPolicy(context.appConfigs());
        this.feedbackDecoder = EventDecoder.of(registry, Feedback.class, retry);
        this.requestDecoder = EventDecoder.of(registry, InferenceRequest.class, retry);
        this.responseDecoder = EventDecoder.of(registry, InferenceResponse.class, retry);
        this.responses = context.getStateStore(FeedbackJoinApp.RESPONSE_STORE);
        this.tenants = context.getStateStore(FeedbackJoinApp.TENANT_STORE);
        this.seen = context.getStateStore(FeedbackJoinApp.SEEN_STORE);
        this.waiting = context.getStateStore(FeedbackJoinApp.WAITING_STORE);
        context.schedule(Duration.ofMillis(window.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                this::expireWaiting);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        if (topic.equals(topics.feedback())) {
            onFeedback(record, topic);
        } else if (topic.equals(topics.requests())) {
            DecodeResult<InferenceRequest> decoded = requestDecoder.decode(topic, record.key(), record.headers(),
                    record.value());
            // a request that does not decode is the scheduler's to dead-letter; the join only loses its tenant
            if (decoded.ok() && decoded.event().getTenant() != null) {
                tenants.put(decoded.event().getRequestId(), decoded.event().getTenant(), record.timestamp());
            }
        } else {
            onResponse(record, topic);
        }
    }

    private void onResponse(Record<String, byte[]> record, String topic) {
        DecodeResult<InferenceResponse> decoded = responseDecoder.decode(topic, record.key(), record.headers(),
                record.value());
        if (!decoded.ok()) {
            return; // its reader (a gateway, a client) reports a response it cannot read; it is no feedback's fault
        }
        InferenceResponse response = decoded.event();
        String requestId = response.getRequestId();
        HeldResponse held = HeldResponse.of(response);
        responses.put(requestId, held, record.timestamp());
        HeldFeedback early = waiting.get(requestId);
        if (early != null) {
            waiting.delete(requestId);
            decide(early, held);
        }
    }

    private void onFeedback(Record<String, byte[]> record, String topic) {
        DecodeResult<Feedback> decoded = feedbackDecoder.decode(topic, record.key(), record.headers(), record.value());
        if (!decoded.ok()) {
            deadLetterNow(record, decoded.errorClass(), decoded.reason());
            return;
        }
        Feedback f = decoded.event();
        String scoreProblem = FeedbackJoin.scoreProblem(f.getScore());
        if (scoreProblem != null) {
            deadLetterNow(record, FeedbackJoin.SCORE_OUT_OF_RANGE, scoreProblem);
            return;
        }
        String requestId = f.getRequestId();
        String earlier = latest(seen, requestId);
        if (earlier != null) {
            if (!earlier.equals(f.getEventId())) {
                deadLetterNow(record, FeedbackJoin.DUPLICATE_FEEDBACK, "request " + requestId
                        + " already had feedback (event " + earlier + "); only the first one counts");
            }
            return; // the same feedback delivered again
        }
        seen.put(requestId, f.getEventId(), record.timestamp());
        HeldFeedback held = HeldFeedback.of(f, source(record), context.currentSystemTimeMs());
        HeldResponse response = latest(responses, requestId);
        if (response == null) {
            waiting.put(requestId, held); // its response may not have been read yet
        } else {
            decide(held, response);
        }
    }

    /** Sends the example, or the dead letter saying why there is none. */
    private void decide(HeldFeedback f, HeldResponse response) {
        long now = context.currentSystemTimeMs();
        FeedbackJoin.Outcome outcome = FeedbackJoin.join(f, response, latest(tenants, f.requestId()),
                window.windowMs(), now);
        if (outcome.accepted()) {
            Metrics.counter(EXAMPLES_METRIC).increment();
            context.forward(new Record<String, SpecificRecord>(f.policyId(), outcome.example(), now));
        } else {
            deadLetter(f, outcome.errorClass(), outcome.reason(), now);
        }
    }

    /** The periodic check: feedback that waited its whole grace for a response is about an unknown request. */
    private void expireWaiting(long nowMs) {
        List<HeldFeedback> due = new ArrayList<>();
        try (KeyValueIterator<String, HeldFeedback> all = waiting.all()) {
            while (all.hasNext()) {
                KeyValue<String, HeldFeedback> next = all.next();
                if (nowMs - next.value.heldSinceMs() >= window.graceMs()) {
                    due.add(next.value);
                }
            }
        }
        for (HeldFeedback f : due) {
            waiting.delete(f.requestId());
            deadLetter(f, FeedbackJoin.UNKNOWN_REQUEST, "no response to request " + f.requestId() + " of policy '"
                    + f.policyId() + "' was seen within " + window.graceMs() + " ms of its feedback (responses are "
                    + "held " + window.retentionMs() + " ms)", nowMs);
        }
    }

    private void deadLetter(HeldFeedback f, String errorClass, String reason, long nowMs) {
        LOG.info("feedback {} on request {} refused: {}", f.eventId(), f.requestId(), reason);
        DeadLetter letter = DeadLetters.of(EventIds.derived(f.eventId(), "feedback-dead-letter"),
                Instant.ofEpochMilli(nowMs), f.source(), f.policyId(), errorClass, reason, appName,
                DecodeConfig.deadLetterMaxValueBytes(context.appConfigs()));
        context.forward(new Record<String, SpecificRecord>(DeadLetters.recordKey(f.policyId()), letter, nowMs));
    }

    private void deadLetterNow(Record<String, byte[]> record, String errorClass, String reason) {
        LOG.info("feedback record refused: {}", reason);
        DeadLetter letter = StreamDeadLetters.of(context, record.key(), record.value(), record.timestamp(), errorClass,
                reason, appName);
        context.forward(record.withKey(DeadLetters.recordKey(record.key())).withValue((SpecificRecord) letter));
    }

    private DeadLetters.Source source(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        return new DeadLetters.Source(meta.topic(), meta.partition(), meta.offset(),
                DeadLetters.keyBytes(record.key()), record.value());
    }

    /** The newest value held for {@code key}, or null. */
    private static <V> V latest(WindowStore<String, V> store, String key) {
        V found = null;
        try (WindowStoreIterator<V> values = store.fetch(key, 0L, Long.MAX_VALUE)) {
            while (values.hasNext()) {
                found = values.next().value;
            }
        }
        return found;
    }
}
