package ai.mint.scheduling.internal;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.TopicDecoders;
import ai.mint.common.ids.EventIds;
import ai.mint.common.kafka.ReplyTopicLookup;
import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceRequest;
import ai.mint.events.PackDone;
import ai.mint.events.WorkerStatus;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.scheduling.SchedulerTopics;
import ai.mint.scheduling.plan.Budgets;
import ai.mint.scheduling.plan.Decision;
import ai.mint.scheduling.plan.PackPlanner;
import ai.mint.scheduling.plan.PendingRequest;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.streams.StreamDeadLetters;
import ai.mint.topics.Tenant;
import ai.mint.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's task processor. Inputs (all keyed by policy id, co-partitioned, so one task owns a policy's
 * requests, catalog entry and answers): inference requests are resolved to their adapter revision and wait in the
 * task's book; catalog entries update the routes; pack-done reports mark requests answered. Every tick (wall
 * clock, half a pack window) the {@link PackPlanner} decides over the book and the global heartbeat store, and this
 * processor carries the decision out: loads and packs to the workers' own topics, error answers to reply topics, and
 * the book updated in the same exactly-once transaction, committed at once so that the worker reads the pack without
 * waiting for the commit interval. An error answer whose reply topic is gone (its client closed) is dead-lettered
 * instead ({@code UNREACHABLE_REPLY_TOPIC}): a send there would block the task until the producer gives up, and the
 * retry would block again. A record that does not decode goes to the dead-letter topic; a registry outage
 * fails the task, which resumes from its last commit.
 */
public final class SchedulerProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerProcessor.class);
    /** Forgetting answered ids is housekeeping: once a second is plenty. */
    private static final long FORGET_EVERY_MS = 1000;

    private final String appName;
    private final SchemaRegistryClient registry;
    private final SchedulerTopics topics;
    private final Budgets budgets;
    private final Duration tick;
    private final Duration doneRetention;
    private final Supplier<? extends ReplyTopicLookup> replyTopicLookup;
    private ReplyTopicLookup replyTopics;
    private ProcessorContext<String, SpecificRecord> context;
    private TopicDecoders decoders;
    private EventDecoder<InferenceRequest> requestDecoder;
    private AvroEventSerializer<InferenceRequest> requestEncoder;
    private KeyValueStore<String, Route> routes;
    private SchedulerBook book;
    private WorkerDirectory workers;
    private long forgotAtMs;

    /**
     * @param replyTopicLookup opens the check of which reply topics exist, when the task first answers an expired
     *                         request that names one (closed with the task)
     */
    public SchedulerProcessor(String appName, SchemaRegistryClient registry, SchedulerTopics topics, Budgets budgets,
                              Duration tick, Duration doneRetention,
                              Supplier<? extends ReplyTopicLookup> replyTopicLookup) {
        this.appName = appName;
        this.registry = registry;
        this.topics = topics;
        this.budgets = budgets;
        this.tick = tick;
        this.doneRetention = doneRetention;
        this.replyTopicLookup = replyTopicLookup;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        var retry = DecodeConfig.retryPolicy(context.appConfigs());
        Map<String, Class<? extends SpecificRecord>> inputs = new LinkedHashMap<>();
        inputs.put(topics.requests(), InferenceRequest.class);
        inputs.put(topics.catalog(), CatalogEntry.class);
        inputs.put(topics.workDone(), PackDone.class);
        this.decoders = new TopicDecoders(registry, inputs, retry);
        this.requestDecoder = EventDecoder.of(registry, InferenceRequest.class, retry);
        this.requestEncoder = new AvroEventSerializer<>(registry);
        this.routes = context.getStateStore(SchedulerStores.ROUTES);
        this.book = new SchedulerBook(context.getStateStore(SchedulerStores.REQUESTS),
                context.getStateStore(SchedulerStores.DONE_INDEX));
        this.workers = new WorkerDirectory(context.getStateStore(SchedulerStores.WORKERS),
                new EventDecoder<>(new AvroEventDeserializer<>(registry, WorkerStatus.class), "worker_id", retry),
                topics.workerStatus());
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        if (record.value() == null && topic.equals(topics.catalog())) {
            routes.delete(record.key()); // a tombstone on the compacted catalog: the policy is gone
            return;
        }
        Optional<Tenant> tenant = Tenant.ofTopic(topic);
        DecodeResult<? extends SpecificRecord> decoded = tenant.isPresent()
                ? requestDecoder.decode(topic, record.key(), record.headers(), record.value())
                : decoders.decode(topic, record.key(), record.headers(), record.value());
        if (!decoded.ok()) {
            deadLetter(record, decoded.errorClass(), decoded.reason());
            return;
        }
        long now = context.currentSystemTimeMs();
        SpecificRecord event = decoded.event();
        if (event instanceof InferenceRequest q && tenant.isPresent()) {
            // kept and sent on re-encoded: the request as taken, not as the tenant wrote it
            fromTenant(record, q, tenant.get()).ifPresent(taken -> accept(
                    record.withValue(requestEncoder.serialize(topics.requests(), taken)), taken, now));
        } else if (event instanceof InferenceRequest q) {
            accept(record, q, now);
        } else if (event instanceof CatalogEntry e) {
            routes.put(record.key(), Route.of(e));
        } else if (event instanceof PackDone d) {
            d.getRequestIds().forEach(id -> book.done(id, now));
        }
    }

    /**
     * A tenant's request as the platform takes it: for one of its own policies only, answered on the tenant's own
     * responses topic (the only one its principal may read) whatever reply topic it named, and billed to it.
     */
    private Optional<InferenceRequest> fromTenant(Record<String, byte[]> record, InferenceRequest q,
                                                         Tenant tenant) {
        if (!tenant.ownsPolicy(q.getPolicyId())) {
            deadLetter(record, "FOREIGN_POLICY", "tenant " + tenant + " asked policy '" + q.getPolicyId() + "' on "
                    + tenant.topic(Tenant.Kind.INFERENCE_REQUESTS) + "; a tenant's policies are "
                    + tenant.policyPrefix() + "*");
            return Optional.empty();
        }
        return Optional.of(InferenceRequest.newBuilder(q)
                .setReplyTopic(tenant.topic(Tenant.Kind.INFERENCE_RESPONSES)).setTenant(tenant.name()).build());
    }

    private void accept(Record<String, byte[]> record, InferenceRequest q, long now) {
        if (q.getRequestId() == null || q.getRequestId().isBlank()) {
            deadLetter(record, "InvalidRequest", "inference request " + q.getEventId() + " has an empty request_id;"
                    + " its answer could not be matched to it");
            return;
        }
        String replyTopic = q.getReplyTopic();
        if (replyTopic != null && !replyTopic.isBlank() && !Topics.isInferenceReplyTopic(replyTopic)) {
            // a request may not make the platform write its answer (an error, say) onto another topic
            deadLetter(record, "InvalidRequest", "inference request " + q.getRequestId() + " names reply_topic "
                    + replyTopic + ", which is not an inference reply topic (" + Topics.INFERENCE_REPLIES_PREFIX
                    + "ID)");
            return;
        }
        if (book.knows(q.getRequestId())) {
            LOG.debug("request {} seen already; not placed again", q.getRequestId());
            return;
        }
        Route route = routes.get(q.getPolicyId());
        // a sender that has seen a newer entry than this route (the catalog's query API answers ahead of the topic
        // followed here) gets its revision chosen by the worker, which looks the policy up at that version
        boolean behind = route != null && route.olderThanSeenBy(q);
        String revision = q.getRevision() != null ? q.getRevision()
                : route == null || behind ? null : route.servingRevision();
        Route.Adapter adapter = route == null ? null : route.adapter(revision);
        // waiting counts from when the request was published: one read late (a scheduler that was down, or a new one
        // reading the topic's history) waits no longer, and one older than the maximum wait is answered at once
        long arrived = Math.min(now, record.timestamp());
        book.arrived(TrackedRequest.arrived(q.getRequestId(), q.getPolicyId(), revision,
                route == null ? null : route.baseModel(), adapter == null ? 0 : adapter.bytes(), arrived,
                record.value()), now);
    }

    private void tick(long now) {
        if (now - forgotAtMs >= FORGET_EVERY_MS) {
            book.forgetDoneBefore(now - doneRetention.toMillis());
            forgotAtMs = now;
        }
        if (book.idle()) {
            return;
        }
        Decision decision = PackPlanner.decide(now, workers.workers(now), book.inFlight(), book.pending(), budgets);
        for (Decision.Reassignment r : decision.reassigned()) {
            LOG.info("taking back pack {} ({} requests of {}) from {}: {}", r.pack().packId(), r.pack().requests().size(),
                    r.pack().adapter(), r.pack().workerId(), r.reason());
            book.takeBack(r.pack());
        }
        List<Decision.Work> work = decision.work();
        for (int i = 0; i < work.size(); i++) {
            if (work.get(i) instanceof Decision.Pack pack) {
                Decision.Load load = i > 0 && work.get(i - 1) instanceof Decision.Load l ? l : null;
                send(pack, load, now);
            }
        }
        answerExpired(decision.expired(), now);
        if (!decision.expired().isEmpty()) {
            // error answers reach clients (read_committed) when their transaction commits: now, not at the interval.
            // Packs and loads need no commit: workers read them as they are sent, and a commit here would stop this
            // thread while the rest of a burst of requests arrives
            context.commit();
        }
    }

    /** Answers requests that waited too long with an error, on reply topics that still exist; the rest dead-letter. */
    private void answerExpired(List<Decision.Expired> expired, long now) {
        if (expired.isEmpty()) {
            return;
        }
        Map<Decision.Expired, TrackedRequest> tracked = new LinkedHashMap<>();
        Map<Decision.Expired, InferenceRequest> requests = new LinkedHashMap<>();
        Set<String> named = new HashSet<>();
        for (Decision.Expired e : expired) {
            TrackedRequest t = book.get(e.request().requestId());
            if (t != null && t.request() != null) {
                InferenceRequest q = decodeStored(t);
                tracked.put(e, t);
                requests.put(e, q);
                if (hasReplyTopic(q)) {
                    named.add(q.getReplyTopic());
                }
            }
        }
        // asked before anything is sent: a broker that does not answer fails the tick (retriable) with no half done
        Set<String> reachable = named.isEmpty() ? Set.of() : replyTopics().existing(named);
        for (Decision.Expired e : expired) {
            InferenceRequest q = requests.get(e);
            if (q != null && hasReplyTopic(q) && !reachable.contains(q.getReplyTopic())) {
                unreachable(tracked.get(e), q, e.reason(), now);
            } else if (q != null) {
                Record<String, SpecificRecord> answer = new Record<>(q.getPolicyId(),
                        (SpecificRecord) WorkItems.error(q, e.reason(), appName, now), now, replyHeaders(q));
                context.forward(answer, SchedulerNodes.SINK_REPLIES);
                LOG.warn("request {} answered with an error: {}", q.getRequestId(), e.reason());
            }
            book.done(e.request().requestId(), now);
        }
    }

    /** The error answer cannot reach its sender: say so on the dead-letter topic, with the request it answered. */
    private void unreachable(TrackedRequest t, InferenceRequest q, String why, long now) {
        var letter = DeadLetters.of(EventIds.derived(q.getEventId(), "unreachable-reply-topic"),
                Instant.ofEpochMilli(now), new DeadLetters.Source(topics.requests(), -1, -1,
                        DeadLetters.keyBytes(t.policyId()), t.request()), t.policyId(), "UNREACHABLE_REPLY_TOPIC",
                "reply topic " + q.getReplyTopic() + " does not exist (its client has gone?); request "
                        + q.getRequestId() + " was not answered (" + why + ")", appName,
                DecodeConfig.deadLetterMaxValueBytes(context.appConfigs()));
        context.forward(new Record<>(letter.getPolicyId(), (SpecificRecord) letter, now),
                SchedulerNodes.SINK_DEAD_LETTER);
        LOG.warn("request {} expired and its reply topic {} is gone: dead-lettered", q.getRequestId(),
                q.getReplyTopic());
    }

    private ReplyTopicLookup replyTopics() {
        if (replyTopics == null) {
            replyTopics = replyTopicLookup.get();
        }
        return replyTopics;
    }

    private static boolean hasReplyTopic(InferenceRequest q) {
        return q.getReplyTopic() != null && !q.getReplyTopic().isBlank();
    }

    @Override
    public void close() {
        if (replyTopics != null) {
            replyTopics.close();
            replyTopics = null;
        }
    }

    private void send(Decision.Pack pack, Decision.Load load, long now) {
        int attempt = pack.requests().stream().mapToInt(PendingRequest::sends).max().orElse(0) + 1;
        String packId = WorkItems.packId(pack, attempt);
        Route route = routes.get(pack.adapter().policyId());
        Route.Adapter adapter = route == null ? null : route.adapter(pack.adapter().revision());
        if (load != null) {
            context.forward(new Record<>(pack.adapter().policyId(),
                    (SpecificRecord) WorkItems.load(load, packId, adapter, appName, now), now), SchedulerNodes.SINK_WORK);
        }
        List<InferenceRequest> requests = new ArrayList<>(pack.requests().size());
        for (TrackedRequest t : book.sent(pack, packId, now)) {
            requests.add(decodeStored(t));
        }
        context.forward(new Record<>(pack.adapter().policyId(),
                (SpecificRecord) WorkItems.pack(pack, packId, adapter, requests, attempt, appName, now), now),
                SchedulerNodes.SINK_WORK);
    }

    /** The stored request record; it decoded when it arrived, so only a registry outage can stop it (retriable). */
    private InferenceRequest decodeStored(TrackedRequest t) {
        DecodeResult<InferenceRequest> read = requestDecoder.decode(topics.requests(), t.policyId(), t.request());
        if (!read.ok()) {
            throw new IllegalStateException("stored request " + t.requestId() + " no longer decodes: " + read.reason());
        }
        return read.event();
    }

    private RecordHeaders replyHeaders(InferenceRequest q) {
        String topic = hasReplyTopic(q) ? q.getReplyTopic() : topics.responses();
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchedulerNodes.REPLY_TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private void deadLetter(Record<String, byte[]> record, String errorClass, String reason) {
        var letter = StreamDeadLetters.of(context, record.key(), record.value(), record.timestamp(), errorClass,
                reason, appName);
        context.forward(new Record<>(letter.getPolicyId(), (SpecificRecord) letter, record.timestamp()),
                SchedulerNodes.SINK_DEAD_LETTER);
    }

    /** The work topic of a work item's worker (the sink's topic name extractor). */
    public static String workTopicOf(SpecificRecord item) {
        return Topics.workTopic(((ai.mint.events.WorkItem) item).getWorkerId()).name();
    }
}
