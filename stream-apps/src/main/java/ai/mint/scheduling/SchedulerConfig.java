package ai.mint.scheduling;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.scheduling.plan.Budgets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Every setting of the scheduler app, defined once with defaults and docs ({@code mint scheduler --list-settings}
 * prints them): the connection, the decode and dead-letter path, and the placement knobs.
 */
public final class SchedulerConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = PlatformConnection.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String INTERNAL_REPLICATION = "internal.topics.replication.factor";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String PERSISTENT_STORES = "stores.persistent";
    public static final String PACK_WINDOW_MS = "pack.window.ms";
    public static final String PACK_QUIET_MS = "pack.quiet.ms";
    public static final String PACK_MAX_REQUESTS = "pack.max.requests";
    public static final String PREFETCH = "prefetch";
    public static final String HEARTBEAT_TIMEOUT_MS = "worker.heartbeat.timeout.ms";
    public static final String LEAVE_GRACE_MS = "worker.leave.grace.ms";
    public static final String PACK_TIMEOUT_MS = "pack.timeout.ms";
    public static final String REQUEST_MAX_WAIT_MS = "request.max.wait.ms";
    public static final String REQUEST_MAX_SENDS = "request.max.sends";
    public static final String DONE_RETENTION_MS = "done.retention.ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";

    public static final ConfigDef DEFINITION = MetricsConfig.define(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(APPLICATION_ID, Type.STRING, "mint-scheduler", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id (consumer group, changelog prefix, produced_by of its work items).")
            .define(STATE_DIR, Type.STRING,
                    Path.of(System.getProperty("java.io.tmpdir"), "mint-scheduler").toString(), Importance.MEDIUM,
                    "Directory of the local stores (rebuilt from their changelogs if lost).")
            .define(STREAM_THREADS, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Stream threads of this instance.")
            .define(INTERNAL_REPLICATION, Type.INT, -1, Range.atLeast(-1), Importance.LOW,
                    "Replication of the stores' changelogs; -1 takes the broker default.")
            // workers read packs as they are sent (uncommitted) and error answers are committed at once, so this
            // interval commits the book (requests read, packs sent, pack-done reports). Each commit stops the stream
            // thread for a transaction, and Kafka Streams processes one record between commits while they take
            // longer than the interval
            .define(COMMIT_INTERVAL_MS, Type.INT, 100, Range.atLeast(1), Importance.MEDIUM,
                    "How often the app commits what it read (exactly-once). Packs and loads do not wait for it "
                            + "(workers take them as they are sent); error answers are committed as soon as they are "
                            + "sent.")
            .define(PERSISTENT_STORES, Type.BOOLEAN, true, Importance.LOW,
                    "RocksDB stores (true) or in-memory ones (false); both are changelogged.")
            .define(PACK_WINDOW_MS, Type.INT, 10, Range.between(0, 60_000), Importance.MEDIUM,
                    "How long requests of one adapter wait at most for others before they leave in a pack: from "
                            + "when the scheduler read the first of them, unless they fill a pack or go quiet first "
                            + "(" + PACK_QUIET_MS + "). Requests sent together then cost one pack, one worker read and "
                            + "one prefill. 0 places each request at once.")
            .define(PACK_QUIET_MS, Type.INT, 2, Range.between(0, 60_000), Importance.MEDIUM,
                    "Requests of one adapter leave before their window is over once no other request of that "
                            + "adapter was read for this long: the burst they came in is over, and a lone request "
                            + "waits this long, not the whole window.")
            .define(PACK_MAX_REQUESTS, Type.INT, 32, Range.atLeast(1), Importance.MEDIUM,
                    "Most requests in one pack.")
            .define(PREFETCH, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Send a load ahead of a pack whose worker does not hold its adapter, so that the load overlaps "
                            + "the worker's other work; false leaves the load to the worker when the pack arrives.")
            .define(HEARTBEAT_TIMEOUT_MS, Type.INT, 15_000, Range.atLeast(1), Importance.HIGH,
                    "A worker without a heartbeat for this long is taken for gone: its unanswered packs go to other "
                            + "workers. Keep it a few heartbeat intervals long.")
            .define(LEAVE_GRACE_MS, Type.INT, 1_000, Range.atLeast(0), Importance.LOW,
                    "A worker that says it stops loses its unanswered packs this long after: time to read the "
                            + "pack-done reports it published just before (another topic, so they may come later).")
            .define(PACK_TIMEOUT_MS, Type.INT, 300_000, Range.atLeast(1), Importance.LOW,
                    "A pack unanswered this long is taken back even from a live worker and sent again.")
            .define(REQUEST_MAX_WAIT_MS, Type.INT, 120_000, Range.atLeast(1), Importance.MEDIUM,
                    "A request no worker had room for within this time is answered with an error that says why.")
            .define(REQUEST_MAX_SENDS, Type.INT, 3, Range.atLeast(1), Importance.LOW,
                    "Times a request is sent to workers that stop before answering it; after that it is answered "
                            + "with an error (it may be what stops them).")
            .define(DONE_RETENTION_MS, Type.LONG, 3_600_000L, Range.atLeast(1), Importance.LOW,
                    "How long answered request ids are remembered, so that a repeated request is not answered twice.")
            .define(SHUTDOWN_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(0), Importance.LOW,
                    "How long stopping waits for the last commit.");

    public final PlatformConnection connection = ConnectionConfig.connection(this);
    public final String applicationId = getString(APPLICATION_ID);
    public final Path stateDir = Path.of(getString(STATE_DIR));
    public final int streamThreads = getInt(STREAM_THREADS);
    public final int internalReplication = getInt(INTERNAL_REPLICATION);
    public final int commitIntervalMs = getInt(COMMIT_INTERVAL_MS);
    public final boolean persistentStores = getBoolean(PERSISTENT_STORES);
    public final Duration packWindow = Duration.ofMillis(getInt(PACK_WINDOW_MS));
    /**
     * How often waiting requests are looked at: twice per pack window or quiet time (the shorter), so that a pack
     * leaves at most half of it late.
     */
    public final Duration tick = Duration.ofMillis(Math.max(1,
            Math.min(getInt(PACK_WINDOW_MS), getInt(PACK_QUIET_MS)) / 2));
    public final Duration doneRetention = Duration.ofMillis(getLong(DONE_RETENTION_MS));
    public final Duration shutdownTimeout = Duration.ofMillis(getInt(SHUTDOWN_TIMEOUT_MS));

    public SchedulerConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    /** The placement budgets of one of {@code tasks} tasks deciding side by side. */
    public Budgets budgets(int tasks) {
        return new Budgets(getInt(PACK_MAX_REQUESTS), 1.0 / Math.max(1, tasks), getInt(HEARTBEAT_TIMEOUT_MS),
                getInt(LEAVE_GRACE_MS), getInt(PACK_TIMEOUT_MS), getInt(REQUEST_MAX_WAIT_MS), getInt(REQUEST_MAX_SENDS),
                getBoolean(PREFETCH), getInt(PACK_WINDOW_MS), getInt(PACK_QUIET_MS));
    }
}
