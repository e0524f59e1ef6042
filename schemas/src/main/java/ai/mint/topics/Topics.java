package ai.mint.topics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one list of the platform's topics. Every lifecycle stage (rollout, update, export, eval, serve, rollback) has a
 * requests topic (work) and a results topic; inference, worker status, metrics, the catalog and rejected input have
 * their own. Keys are policy ids (worker ids on the worker-status topic, POLICY@REVISION on the adapter-pins topic).
 * Each worker also has a work topic of its own ({@link #workTopic}), where the scheduler sends it adapter-packed work.
 */
public final class Topics {

    private static final String EVENTS = "ai.mint.events.";
    private static final int PARTITIONS = 3;
    private static final short REPLICATION = 3;
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WEEK = Duration.ofDays(7);
    private static final Duration MONTH = Duration.ofDays(30);

    /**
     * The largest record (serialized key + value + headers, before compression) any topic accepts: every topic is
     * created with {@code max.message.bytes} at this value and every producer with {@code max.request.size} at it, so
     * a producer refuses what a broker would refuse, with a message naming the size. 8 MiB holds the largest event
     * (an update request carrying a rollout batch) with room; a dead letter keeps only a bounded prefix of the record
     * it refuses, so it always fits.
     */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    public static final TopicSpec POLICY_SPECS = compacted("mint.policy.specs", "PolicySpec",
            "Policy definitions: base model, LoRA shape, reward, training, eval and promotion gate; latest per policy.");

    public static final TopicSpec ROLLOUT_REQUESTS = stream("mint.rollout.requests", "RolloutRequest",
            "Sampling work for a policy revision: prompts x group size.");
    public static final TopicSpec ROLLOUT_RESULTS = stream("mint.rollout.results", "RolloutResult",
            "Trajectories, log-probs and rewards sampled for a rollout request.");
    public static final TopicSpec UPDATE_REQUESTS = stream("mint.update.requests", "UpdateRequest",
            "GRPO update work: a rollout batch for a policy revision.");
    public static final TopicSpec UPDATE_RESULTS = stream("mint.update.results", "UpdateResult",
            "The new revision an update produced, with its training statistics.");
    public static final TopicSpec EXPORT_REQUESTS = stream("mint.export.requests", "ExportRequest",
            "Work to export a trained revision as a PEFT adapter.");
    public static final TopicSpec EXPORT_RESULTS = stream("mint.export.results", "ExportResult",
            "An exported adapter revision: where it is stored, its size, rank and sha-256.");
    public static final TopicSpec EVAL_REQUESTS = stream("mint.eval.requests", "EvalRequest",
            "Evaluation work for an exported revision.");
    public static final TopicSpec EVAL_RESULTS = stream("mint.eval.results", "EvalResult",
            "Scores of an evaluated revision.");
    public static final TopicSpec SERVE_REQUESTS = stream("mint.serve.requests", "ServeRequest",
            "A request to promote a revision to serving.");
    public static final TopicSpec SERVE_RESULTS = stream("mint.serve.results", "ServeResult",
            "The outcome of a promotion: the serving pointer moved, or why not.");
    public static final TopicSpec ROLLBACK_REQUESTS = stream("mint.rollback.requests", "RollbackRequest",
            "A request to move the serving pointer back to an earlier good revision.");
    public static final TopicSpec ROLLBACK_RESULTS = stream("mint.rollback.results", "RollbackResult",
            "The outcome of a rollback: the serving pointer moved back, or why not.");

    public static final TopicSpec INFERENCE_REQUESTS = stream("mint.inference.requests", "InferenceRequest",
            "Sampling requests from clients, addressed to a policy (optionally a pinned revision).");
    public static final TopicSpec INFERENCE_RESPONSES = stream("mint.inference.responses", "InferenceResponse",
            "Completions, with the revision that answered.");
    public static final TopicSpec INFERENCE_CHUNKS = new TopicSpec("mint.inference.chunks", PARTITIONS, REPLICATION,
            CleanupPolicy.DELETE, DAY, "string (policy id)", EVENTS + "InferenceChunk",
            "Streamed completions: tokens and text deltas of requests that asked to stream and name no reply topic (the"
                    + " chunks of the others go to their reply topic), as they are generated.");
    public static final TopicSpec ADAPTER_PINS = new TopicSpec("mint.adapter.pins", PARTITIONS, REPLICATION,
            CleanupPolicy.COMPACT, null, "string (POLICY@REVISION)", EVENTS + "AdapterPin",
            "Adapters pinned resident on the serving workers (or unpinned); latest per adapter revision.");
    public static final TopicSpec ADAPTER_PIN_RESULTS = stream("mint.adapter.pin.results", "AdapterPinResult",
            "Each worker's answer to a pin: resident and pinned, unpinned, or refused with the reason.");

    public static final TopicSpec TRAINING_REQUESTS = stream("mint.training.requests", "TrainingRequest",
            "Calls of the Tinker-shaped training API (forward_backward, optim_step, sample, save/load state, ...), "
                    + "taken in order per policy by the worker that owns its partition.");

    /** Prefix of the per-client reply topics ({@link #replies(String)}); they are created by their client. */
    public static final String REPLY_TOPIC_PREFIX = "mint.replies.";
    /** How long a reply topic keeps replies: a client reads its own within seconds, so an hour is plenty. */
    public static final Duration REPLY_RETENTION = Duration.ofHours(1);

    /**
     * The reply topic of one client of the training API, named in each of its calls, so that a client reads only its
     * own replies. One partition (a client reads all of it); created by the client on first use, deleted when it
     * closes; not part of {@link #ALL} because every client has its own.
     */
    public static TopicSpec replies(String clientId) {
        return new TopicSpec(REPLY_TOPIC_PREFIX + clientId, 1, REPLICATION, CleanupPolicy.DELETE, REPLY_RETENTION,
                "string (policy id)", EVENTS + "TrainingReply",
                "Replies to one client's training API calls, with the correlation id of each call.");
    }

    /** A template of the per-client reply topics: what they carry, for schema checks and documentation. */
    public static final TopicSpec REPLIES_TEMPLATE = replies("CLIENT");

    /** Topics that exist once per client rather than once per platform (not created by {@code mint up}). */
    public static final List<TopicSpec> PER_CLIENT = List.of(REPLIES_TEMPLATE);
    public static final TopicSpec WORK_DONE = new TopicSpec("mint.work.done", PARTITIONS, REPLICATION,
            CleanupPolicy.DELETE, DAY, "string (policy id)", EVENTS + "PackDone",
            "Workers' reports of the pack requests they answered; the scheduler frees their queues by them.");

    public static final TopicSpec WORKER_STATUS = new TopicSpec("mint.worker.status", PARTITIONS, REPLICATION,
            CleanupPolicy.COMPACT, null, "string (worker id)", EVENTS + "WorkerStatus",
            "Worker heartbeats: roles, resident adapters, capacity and load; latest per worker.");
    public static final TopicSpec METRICS = stream("mint.metrics", "Metric",
            "Measurements published by apps and workers (per policy where it applies).");
    public static final TopicSpec MONITOR_POLICIES = compacted("mint.monitor.policies", "PolicyView",
            "The monitoring app's view of each policy over its latest closed window: requests/s, errors, latency "
                    + "p50/p99, tokens/s, live reward, dead letters by reason; latest per policy.");
    public static final TopicSpec MONITOR_WORKERS = new TopicSpec("mint.monitor.workers", PARTITIONS, REPLICATION,
            CleanupPolicy.COMPACT, null, "string (worker id)", EVENTS + "WorkerView",
            "The monitoring app's view of each worker: resident adapters, queue, load, last heartbeat, its answers "
                    + "over its latest closed window; latest per worker.");
    public static final TopicSpec ALERTS = new TopicSpec("mint.alerts", PARTITIONS, REPLICATION,
            CleanupPolicy.DELETE, WEEK, "string (policy id, or empty for a worker's alert)", EVENTS + "Alert",
            "Alerts of the monitoring app: a policy's live reward below, or its latency p99 or error rate above, "
                    + "its threshold over a closed window; one per policy, kind and window.");
    public static final TopicSpec CATALOG = compacted("mint.catalog", "CatalogEntry",
            "The policy catalog as the catalog app folds it: spec, serving pointer, newest revisions and moves, counts; "
                    + "latest per policy.");
    public static final TopicSpec CATALOG_REVISIONS = new TopicSpec("mint.catalog.revisions", PARTITIONS, REPLICATION,
            CleanupPolicy.COMPACT, null, "string (POLICY@REVISION; partitioned by policy id)",
            EVENTS + "CatalogRevision", "Every revision of every policy as the catalog knows it; latest per revision.");
    public static final TopicSpec CATALOG_HISTORY = new TopicSpec("mint.catalog.history", PARTITIONS, REPLICATION,
            CleanupPolicy.DELETE, null, "string (policy id)", EVENTS + "PointerMoved",
            "The audit log of serving-pointer moves (who moved what, when, why); append-only, kept forever.");
    public static final TopicSpec CATALOG_RETIREMENTS = stream("mint.catalog.retirements", "RevisionRetired",
            MONTH, "Revisions retention retired, and from when their stored files may be removed.");
    public static final TopicSpec DATASETS = new TopicSpec("mint.datasets", PARTITIONS, REPLICATION,
            CleanupPolicy.DELETE, null, "string (dataset name)", EVENTS + "DatasetExample",
            "Examples of training and evaluation datasets (prompts with references, SFT pairs, preference pairs), "
                    + "read from JSONL files by the dataset connector; kept forever.");
    public static final TopicSpec FEEDBACK = stream("mint.feedback", "Feedback",
            "Feedback on served responses (request id, a score in [-1, 1], optionally a preferred completion), "
                    + "e.g. from the gateway's POST /v1/feedback.");
    public static final TopicSpec FEEDBACK_EXAMPLES = stream("mint.feedback.examples", "FeedbackExample",
            "Training data from live feedback: each response joined on request id with its feedback (prompt and "
                    + "completion tokens, the serving revision's log-probs, the reward).");
    public static final TopicSpec DEAD_LETTER = new TopicSpec("mint.deadletter", PARTITIONS, REPLICATION,
            CleanupPolicy.DELETE, MONTH, "string (source record key, or empty)", EVENTS + "DeadLetter",
            "Records that could not be processed, with where they came from and why.");

    /**
     * Prefix of the reply topics of single instances ({@link #inferenceReplies}): not in {@link #ALL}, since each
     * instance creates its own.
     */
    public static final String INFERENCE_REPLIES_PREFIX = "mint.inference.replies.";

    /** Every topic, in the order people read them. */
    public static final List<TopicSpec> ALL = List.of(
            POLICY_SPECS,
            ROLLOUT_REQUESTS, ROLLOUT_RESULTS,
            UPDATE_REQUESTS, UPDATE_RESULTS,
            EXPORT_REQUESTS, EXPORT_RESULTS,
            EVAL_REQUESTS, EVAL_RESULTS,
            SERVE_REQUESTS, SERVE_RESULTS,
            ROLLBACK_REQUESTS, ROLLBACK_RESULTS,
            INFERENCE_REQUESTS, INFERENCE_RESPONSES, INFERENCE_CHUNKS, WORK_DONE,
            ADAPTER_PINS, ADAPTER_PIN_RESULTS,
            TRAINING_REQUESTS,
            WORKER_STATUS, METRICS, MONITOR_POLICIES, MONITOR_WORKERS, ALERTS, CATALOG, CATALOG_REVISIONS,
            CATALOG_HISTORY, CATALOG_RETIREMENTS, DATASETS, FEEDBACK, FEEDBACK_EXAMPLES,
            DEAD_LETTER);

    /**
     * The largest record a topic takes (the broker's default {@code message.max.bytes}). Whatever the platform writes
     * must stay below it; the catalog bounds its records so that no policy's age can pass it.
     */
    public static final int MAX_MESSAGE_BYTES = 1_048_588;

    /** Placeholder of the worker id in the names of {@link #PER_WORKER} topics. */
    public static final String WORKER_ID_PLACEHOLDER = "<worker-id>";

    /**
     * The template of each worker's own work topic: the scheduler addresses a worker's packs and loads to it, the
     * worker creates it at start ({@link #workTopic}). One partition, so a load reaches the worker before the pack
     * it prepares; short retention, since a worker reads only what is sent after it starts.
     */
    public static final TopicSpec WORK = new TopicSpec("mint.worker." + WORKER_ID_PLACEHOLDER + ".work", 1,
            REPLICATION, CleanupPolicy.DELETE, DAY, "string (policy id)", EVENTS + "WorkItem",
            "Adapter-packed work addressed to one worker: packs of inference requests by adapter revision, and "
                    + "loads scheduled ahead of them.");

    /** Topics that exist once per worker, named from a template; not created by provisioning. */
    public static final List<TopicSpec> PER_WORKER = List.of(WORK);

    /**
     * Every topic definition of the event contract: {@link #ALL}, the {@link #PER_WORKER} and the {@link #PER_CLIENT}
     * templates.
     */
    public static final List<TopicSpec> CONTRACT = Stream.of(ALL, PER_WORKER, PER_CLIENT).flatMap(List::stream)
            .toList();

    private static final Pattern TOPIC_SAFE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private Topics() {
    }

    /** The topic with this name, if it is one of the platform's: a shared one, or a tenant's ({@link Tenant}). */
    public static Optional<TopicSpec> byName(String name) {
        Optional<TopicSpec> shared = ALL.stream().filter(t -> t.name().equals(name)).findFirst();
        if (shared.isPresent()) {
            return shared;
        }
        return Tenant.kindOf(name).map(kind -> Tenant.ofTopic(name).orElseThrow().spec(kind));
    }

    /** The topic with this name, or an error listing the known names. */
    public static TopicSpec require(String name) {
        return byName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown topic '" + name + "'; known topics: " + ALL.stream().map(TopicSpec::name).toList()
                        + " and the tenant topics " + Tenant.TOPIC_PREFIX + "NAME.{" + String.join(",",
                        java.util.Arrays.stream(Tenant.Kind.values()).map(Tenant.Kind::suffix).toList())
                        + "}"));
    }

    /**
     * The reply topic of one instance (a gateway): its inference requests name it as {@code reply_topic}, so that the
     * instance reads only its own responses instead of every response on {@link #INFERENCE_RESPONSES}. One partition
     * (one reader), kept an hour: a reply is read within seconds or its request has timed out.
     *
     * @param instanceId the instance's stable id (letters, digits, '.', '_', '-')
     */
    public static TopicSpec inferenceReplies(String instanceId) {
        if (instanceId == null || !isTopicSafe(instanceId)) {
            throw new IllegalArgumentException("instance id '" + instanceId + "' cannot name a topic: use 1-200 "
                    + "letters, digits, '.', '_' or '-'");
        }
        return new TopicSpec(INFERENCE_REPLIES_PREFIX + instanceId, 1, REPLICATION, CleanupPolicy.DELETE,
                Duration.ofHours(1), "string (policy id)", EVENTS + "InferenceResponse",
                "Completions for the requests of one instance, which names this topic as their reply_topic; a streamed"
                        + " request's InferenceChunks come first.");
    }

    /**
     * The registry subject a value of record type {@code recordName} is registered under on {@code topic}:
     * {@code <topic>-value} (one type per topic, the Confluent default), except on inference reply topics, which carry
     * two types (a streamed request's InferenceChunks, then its InferenceResponse) and so register each type under
     * {@code <topic>-<record full name>} (Confluent's TopicRecordNameStrategy); readers go by the schema id either way.
     */
    public static String valueSubject(String topic, String recordName) {
        return isInferenceReplyTopic(topic) ? topic + "-" + recordName : topic + "-value";
    }

    /**
     * Whether {@code topic} is named like an instance's inference reply topic ({@link #inferenceReplies}) or is a
     * tenant's responses topic (where the scheduler sends the answers to a tenant's own requests).
     */
    public static boolean isInferenceReplyTopic(String topic) {
        return topic.startsWith(INFERENCE_REPLIES_PREFIX) && topic.length() > INFERENCE_REPLIES_PREFIX.length()
                || Tenant.kindOf(topic).filter(k -> k == Tenant.Kind.INFERENCE_RESPONSES).isPresent();
    }

    /**
     * The work topic of worker {@code workerId}, from the {@link #WORK} template. Worker ids become part of a topic
     * name, so they are limited to letters, digits, '.', '_' and '-' (at most 200).
     */
    public static TopicSpec workTopic(String workerId) {
        if (workerId == null || !TOPIC_SAFE.matcher(workerId).matches()) {
            throw new IllegalArgumentException("worker id '" + workerId + "' cannot name a topic: use 1-200 letters,"
                    + " digits, '.', '_' or '-'");
        }
        return new TopicSpec(WORK.name().replace(WORKER_ID_PLACEHOLDER, workerId), WORK.partitions(),
                WORK.replication(), WORK.cleanup(), WORK.retention(), WORK.keyType(), WORK.valueRecord(), WORK.doc());
    }

    /** Whether {@code workerId} can name a work topic ({@link #workTopic}). */
    public static boolean isTopicSafe(String workerId) {
        return workerId != null && TOPIC_SAFE.matcher(workerId).matches();
    }

    private static TopicSpec stream(String name, String record, String doc) {
        return stream(name, record, WEEK, doc);
    }

    private static TopicSpec stream(String name, String record, Duration retention, String doc) {
        return new TopicSpec(name, PARTITIONS, REPLICATION, CleanupPolicy.DELETE, retention, "string (policy id)",
                EVENTS + record, doc);
    }

    private static TopicSpec compacted(String name, String record, String doc) {
        return new TopicSpec(name, PARTITIONS, REPLICATION, CleanupPolicy.COMPACT, null, "string (policy id)",
                EVENTS + record, doc);
    }
}
