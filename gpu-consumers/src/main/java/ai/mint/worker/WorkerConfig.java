package ai.mint.worker;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.training.reward.RewardScorer;
import ai.mint.topics.Topics;
import ai.mint.training.service.TrainingService;
import ai.mint.common.metrics.MetricsConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of one worker process, defined once with names, defaults and docs ({@code mint worker --list-settings}
 * prints them), read into typed fields when the config is built. The connection part (addresses, registry
 * credentials, {@code kafka.*} pass-through) and the decode and dead-letter part are the same in every service.
 */
public final class WorkerConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = PlatformConnection.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;
    public static final String WORKER_ID = "worker.id";
    public static final String ROLES = "worker.roles";
    public static final String GROUP_ID = "group.id";
    public static final String BASE_DIR = "base.dir";
    public static final String BASE_MODEL = "base.model";
    public static final String STORE_ROOT = "adapter.store.root";
    public static final String STORE_READ_ROOTS = "adapter.store.read.roots";
    public static final String DEVICE = "device";
    public static final String HEARTBEAT_MS = "heartbeat.interval.ms";
    public static final String CATALOG_WAIT_MS = "catalog.wait.ms";
    public static final String CATALOG_CACHE_ENTRIES = "catalog.cache.entries";
    public static final String INFERENCE_BATCH = "inference.max.batch";
    public static final String INFERENCE_INTAKE = "inference.intake";
    public static final String INFERENCE_QUEUE_CAPACITY = "inference.queue.capacity";
    public static final String INFERENCE_PREFETCH = "inference.prefetch";
    /** {@value}: the inference role takes adapter-packed work from the scheduler, on the worker's own topic. */
    public static final String INTAKE_PACKS = "packs";
    /** {@value}: the inference role reads mint.inference.requests itself (a single worker without a scheduler). */
    public static final String INTAKE_REQUESTS = "requests";
    public static final String LIFECYCLE_MAX_POLL = "lifecycle.max.poll.records";
    public static final String POLL_TIMEOUT_MS = "poll.timeout.ms";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String CATALOG_CAUGHT_UP_WAIT_MS = "catalog.caught.up.wait.ms";
    public static final String ENGINE_THREADS = "engine.threads";
    public static final String ADAPTER_DEVICE_BUDGET = "adapter.device.budget.bytes";
    public static final String ADAPTER_CPU_CACHE = "adapter.cpu.cache.bytes";
    public static final String PREFILL_ROWS = "engine.prefill.rows";
    public static final String PREFILL_CHUNK_TOKENS = "engine.prefill.chunk.tokens";
    public static final String ADAPTER_LOADER_THREADS = "adapter.loader.threads";
    public static final String ADAPTER_FAILURE_BACKOFF_MS = "adapter.failure.backoff.ms";
    public static final String ADAPTER_MAX_KNOWN = "adapter.max.known";
    public static final String ADAPTER_REVISIONS_PER_POLICY = "adapter.revisions.per.policy";
    public static final String INFERENCE_SLICE_MS = "inference.slice.ms";
    public static final String INFERENCE_MAX_IN_FLIGHT = "inference.max.in.flight";
    public static final String STREAM_CHUNK_TOKENS = "inference.stream.chunk.tokens";
    public static final String GENERATION_MAX_ROWS = "generation.max.batch.rows";
    public static final String MICRO_BATCH_ROWS = "training.micro.batch.rows";
    public static final String MICRO_BATCH_TOKENS = "training.micro.batch.tokens";
    public static final String REWARD_TIMEOUT_MS = "reward.timeout.ms";
    public static final String REWARD_MAX_THREADS = "reward.max.threads";
    public static final String SAMPLING_MAX_TOKENS = "sampling.max.tokens";
    public static final String SAMPLING_MAX_SAMPLES = "sampling.max.samples";

    public static final ConfigDef DEFINITION = MetricsConfig.define(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(WORKER_ID, Type.STRING, "worker-" + ManagementFactory.getRuntimeMXBean().getPid(),
                    (name, value) -> {
                        if (!Topics.isTopicSafe((String) value)) {
                            throw new ConfigException(name, value, "a worker id names the worker's work topic: use "
                                    + "1-200 letters, digits, '.', '_' or '-'");
                        }
                    }, Importance.MEDIUM,
                    "This worker's id: produced_by of its results, key of its heartbeats, name of its work topic "
                            + "(mint.worker.ID.work).")
            .define(ROLES, Type.LIST, "rollout,update,export,eval,inference,training", Importance.HIGH,
                    "Work this worker takes: any of rollout, update, export, eval, inference, training.")
            .define(GROUP_ID, Type.STRING, "mint-workers", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Consumer group prefix; workers with the same prefix share the work (-lifecycle, -inference and -training groups).")
            .define(BASE_DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Directory of the resident base model (config.json, model.safetensors, tokenizer.json).")
            .define(BASE_MODEL, Type.STRING, "", Importance.MEDIUM,
                    "Id of the base model that policies name in base_model; empty = the base directory's name.")
            .define(STORE_ROOT, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Root directory of the adapter store (shared by the workers of one platform).")
            .define(STORE_READ_ROOTS, Type.LIST, "", Importance.LOW,
                    "Directories besides the store root that file:// adapter addresses may name (comma-separated); "
                            + "an address anywhere else is refused.")
            .define(DEVICE, Type.STRING, "cpu", Importance.LOW, "cpu, or gpu/cuda for the first CUDA device.")
            .define(HEARTBEAT_MS, Type.INT, 5000, Range.atLeast(100), Importance.LOW,
                    "How often the worker publishes its status to mint.worker.status.")
            .define(CATALOG_CACHE_ENTRIES, Type.INT, 1024, Range.atLeast(1), Importance.LOW,
                    "Policies (and, apart, revisions) the worker keeps from its catalog lookups (catalog.url), least "
                    + "recently used dropped first; its memory depends on this, not on the catalog's size.")
            .define(CATALOG_WAIT_MS, Type.INT, 30_000, Range.atLeast(0), Importance.LOW,
                    "How long a request waits for its policy to appear in the followed catalog before it is refused.")
            .define(INFERENCE_BATCH, Type.INT, 32, Range.atLeast(1), Importance.LOW,
                    "Most inference requests taken per poll (intake 'requests'). They join the running generation "
                            + "batch as they come; the loop keeps polling while earlier requests are still decoding.")
            .define(INFERENCE_MAX_IN_FLIGHT, Type.INT, 256, Range.atLeast(1), Importance.LOW,
                    "Most inference requests taken and not yet answered; past it the loop stops fetching until "
                            + "answers go out (offsets are committed only up to the oldest request not answered).")
            .define(INFERENCE_SLICE_MS, Type.INT, 2000, Range.atLeast(1), Importance.LOW,
                    "How long inference may decode without a break while training work waits, and at most between "
                            + "two micro-batches of a training step. A request that arrives during a step waits for "
                            + "one micro-batch, then decodes at the batch's pace.")
            .define(STREAM_CHUNK_TOKENS, Type.INT, WorkContext.Limits.DEFAULT.streamChunkTokens(), Range.atLeast(1),
                    Importance.LOW,
                    "Tokens per chunk a streamed request (stream=true) gets on mint.inference.chunks.")
            .define(INFERENCE_INTAKE, Type.STRING, INTAKE_PACKS,
                    ConfigDef.ValidString.in(INTAKE_PACKS, INTAKE_REQUESTS), Importance.HIGH,
                    "How the inference role gets its work: 'packs' from the scheduler (mint scheduler) on this "
                            + "worker's own topic, grouped by adapter and sent where the adapter is resident; "
                            + "'requests' reads mint.inference.requests directly (one worker, no scheduler).")
            // each scheduler task (one per request partition, 3 by default) may fill a third of it: 3 x 32 lets one
            // hot policy, whose requests all live on one partition, still fill a whole generation batch
            .define(INFERENCE_QUEUE_CAPACITY, Type.INT, 96, Range.atLeast(1), Importance.MEDIUM,
                    "Most inference requests this worker takes at once from the scheduler (received in packs, not "
                            + "answered yet); the scheduler holds the rest back and packs them fuller. Each scheduler "
                            + "task (one per partition of mint.inference.requests) may fill its share of it: keep it "
                            + "at least inference.max.batch x that partition count.")
            .define(INFERENCE_PREFETCH, Type.BOOLEAN, true, Importance.LOW,
                    "Load an adapter as soon as the scheduler's load for it arrives, off the model thread, while "
                            + "earlier packs are answered; false ignores loads and loads each adapter when its pack "
                            + "runs (load on demand, for comparison).")
            .define(LIFECYCLE_MAX_POLL, Type.INT, 8, Range.atLeast(1), Importance.MEDIUM,
                    "Most lifecycle requests taken per poll. Requests of different policies in one poll share "
                            + "generation batches (rollouts) and training steps (updates); one policy's run in order.")
            .define(POLL_TIMEOUT_MS, Type.INT, 200, Range.between(1, 60_000), Importance.LOW,
                    "How long a request loop waits for records in one poll.")
            .define(RETRY_BACKOFF_MS, Type.INT, 1000, Range.between(0, 600_000), Importance.LOW,
                    "Pause before a poll whose processing failed (broker or disk trouble, not bad input) is taken "
                            + "again from the last commit.")
            .define(CATALOG_CAUGHT_UP_WAIT_MS, Type.INT, 3000, Range.atLeast(0), Importance.LOW,
                    "Once the followed catalog has read its backlog, how long a request waits for an unknown policy "
                            + "(at most catalog.wait.ms).")
            .define(ENGINE_THREADS, Type.INT, EngineConfig.DEFAULT_THREADS, Range.atLeast(1), Importance.MEDIUM,
                    "PyTorch intra-op threads of the model engine.")
            .define(ADAPTER_DEVICE_BUDGET, Type.LONG, EngineConfig.DEFAULT_ADAPTER_BUDGET, Range.atLeast(1),
                    Importance.MEDIUM, "Device bytes the working set of serving adapters may hold (each adapter "
                            + "counts at its own rank); least recently used ones are evicted beyond it.")
            .define(ADAPTER_CPU_CACHE, Type.LONG, EngineConfig.DEFAULT_CPU_CACHE, Range.atLeast(0),
                    Importance.MEDIUM, "Bytes of decoded adapters kept in Java memory (the CPU tier), so that a "
                            + "re-load skips reading and parsing its files; least recently used ones are dropped "
                            + "beyond it.")
            .define(ADAPTER_LOADER_THREADS, Type.INT, EngineConfig.DEFAULT_LOADER_THREADS, Range.atLeast(1),
                    Importance.LOW, "Threads that read, verify, decode and upload adapters, off the model thread.")
            .define(ADAPTER_FAILURE_BACKOFF_MS, Type.LONG, EngineConfig.DEFAULT_FAILURE_BACKOFF_MS,
                    Range.atLeast(0), Importance.LOW, "How long an adapter whose load failed fails its requests at "
                            + "once, with the reason, before a request may try it again (a new revision always may).")
            .define(ADAPTER_REVISIONS_PER_POLICY, Type.INT, ModelRuntime.DEFAULT_REVISIONS_PER_POLICY,
                    Range.atLeast(1), Importance.LOW, "Revisions of one policy the working set keeps (the most "
                            + "recently used) beside pinned and busy ones; an older one is evicted when a newer one is "
                            + "used, so a policy promoted at every step does not fill the budgets with superseded "
                            + "revisions.")
            .define(ADAPTER_MAX_KNOWN, Type.INT, EngineConfig.DEFAULT_MAX_KNOWN_ADAPTERS, Range.atLeast(1),
                    Importance.LOW, "Adapters the working set remembers while they hold no memory (states, "
                            + "failures); the least recently used beyond it are forgotten.")
            .define(PREFILL_ROWS, Type.INT, EngineConfig.DEFAULT_PREFILL_ROWS, Range.atLeast(1), Importance.LOW,
                    "Most requests prefilled together before they join the running batch; prompt-processing memory "
                            + "peaks with this many rows, not with the batch.")
            .define(PREFILL_CHUNK_TOKENS, Type.INT, EngineConfig.DEFAULT_PREFILL_CHUNK_TOKENS, Range.atLeast(1),
                    Importance.LOW, "Padded prompt tokens per prefill chunk: a long prompt is prefilled a chunk per "
                            + "iteration, between the decoding steps of the running requests.")
            .define(GENERATION_MAX_ROWS, Type.INT, TrainingService.DEFAULT_MAX_GENERATION_ROWS, Range.atLeast(1),
                    Importance.LOW, "Most rows of one merged generation batch (rollouts of several policies, "
                            + "inference); a single larger request still runs, alone.")
            .define(MICRO_BATCH_ROWS, Type.INT, MicroBatchBudget.DEFAULT.maxRows(), Range.atLeast(0),
                    Importance.LOW, "Rows per forward/backward pass of a training step (0 = no limit); bounds "
                            + "the step's activation memory without changing the update.")
            .define(MICRO_BATCH_TOKENS, Type.LONG, MicroBatchBudget.DEFAULT.maxTokens(), Range.atLeast(0),
                    Importance.LOW, "Padded tokens per forward/backward pass of a training step (0 = no limit).")
            .define(REWARD_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(1), Importance.MEDIUM,
                    "How long one sample's reward may take; past it the sample fails (masked out of training).")
            .define(REWARD_MAX_THREADS, Type.INT, RewardScorer.DEFAULT_MAX_THREADS, Range.atLeast(1),
                    Importance.LOW, "Most threads rewards run on, stuck ones included.")
            .define(SAMPLING_MAX_TOKENS, Type.INT, WorkContext.Limits.DEFAULT.maxTokens(), Range.atLeast(1),
                    Importance.MEDIUM, "Longest completion one request may ask for (rollout, eval, inference).")
            .define(SAMPLING_MAX_SAMPLES, Type.INT, WorkContext.Limits.DEFAULT.maxSamples(), Range.atLeast(1),
                    Importance.MEDIUM, "Most samples (prompts x group size) one rollout or eval request may ask for.");

    public final PlatformConnection connection = ConnectionConfig.connection(this);
    public final RetryPolicy decodeRetry = DecodeConfig.retryPolicy(values());
    public final int deadLetterMaxValueBytes = DecodeConfig.deadLetterMaxValueBytes(values());
    public final String workerId = getString(WORKER_ID);
    public final Set<WorkerRole> roles = parseRoles(getList(ROLES));
    public final String groupId = getString(GROUP_ID);
    public final Path baseDir = Path.of(getString(BASE_DIR));
    public final String baseModel = getString(BASE_MODEL).isBlank()
            ? baseDir.toAbsolutePath().normalize().getFileName().toString() : getString(BASE_MODEL);
    public final Path storeRoot = Path.of(getString(STORE_ROOT));
    public final java.util.List<Path> storeReadRoots = getList(STORE_READ_ROOTS).stream().filter(s -> !s.isBlank())
            .map(Path::of).toList();
    public final String device = getString(DEVICE);
    public final int heartbeatMs = getInt(HEARTBEAT_MS);
    public final int catalogWaitMs = getInt(CATALOG_WAIT_MS);
    public final int catalogCacheEntries = getInt(CATALOG_CACHE_ENTRIES);
    public final int inferenceBatch = getInt(INFERENCE_BATCH);
    public final boolean packIntake = getString(INFERENCE_INTAKE).equals(INTAKE_PACKS);
    public final int inferenceQueueCapacity = getInt(INFERENCE_QUEUE_CAPACITY);
    public final boolean inferencePrefetch = getBoolean(INFERENCE_PREFETCH);
    public final int lifecycleMaxPoll = getInt(LIFECYCLE_MAX_POLL);
    public final Duration pollTimeout = Duration.ofMillis(getInt(POLL_TIMEOUT_MS));
    public final Duration retryBackoff = Duration.ofMillis(getInt(RETRY_BACKOFF_MS));
    public final EngineConfig engine = new EngineConfig(baseDir, device, getInt(ENGINE_THREADS),
            getLong(ADAPTER_DEVICE_BUDGET), getLong(ADAPTER_CPU_CACHE), getInt(PREFILL_ROWS),
            getInt(PREFILL_CHUNK_TOKENS), getInt(ADAPTER_LOADER_THREADS), getLong(ADAPTER_FAILURE_BACKOFF_MS),
            getInt(ADAPTER_MAX_KNOWN));
    public final int revisionsPerPolicy = getInt(ADAPTER_REVISIONS_PER_POLICY);
    public final Duration inferenceSlice = Duration.ofMillis(getInt(INFERENCE_SLICE_MS));
    public final int inferenceMaxInFlight = getInt(INFERENCE_MAX_IN_FLIGHT);
    public final int generationMaxRows = getInt(GENERATION_MAX_ROWS);
    public final MicroBatchBudget microBatch = MicroBatchBudget.ofLimits(getInt(MICRO_BATCH_ROWS),
            getLong(MICRO_BATCH_TOKENS));
    public final WorkContext.Limits limits = new WorkContext.Limits(getInt(SAMPLING_MAX_TOKENS),
            getInt(SAMPLING_MAX_SAMPLES), Duration.ofMillis(getInt(REWARD_TIMEOUT_MS)), getInt(REWARD_MAX_THREADS),
            Duration.ofMillis(getInt(CATALOG_CAUGHT_UP_WAIT_MS)), getInt(STREAM_CHUNK_TOKENS));

    /** Validates the settings; a missing or bad value throws a ConfigException naming it. */
    public WorkerConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    private static Set<WorkerRole> parseRoles(List<String> names) {
        if (names.isEmpty()) {
            throw new ConfigException(ROLES, names, "a worker needs at least one role");
        }
        Set<WorkerRole> roles = EnumSet.noneOf(WorkerRole.class);
        for (String name : names) {
            try {
                roles.add(WorkerRole.parse(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ROLES, names, e.getMessage());
            }
        }
        return roles;
    }
}
