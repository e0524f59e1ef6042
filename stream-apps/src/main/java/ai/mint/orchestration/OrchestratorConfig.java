package ai.mint.orchestration;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.metrics.MetricsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Every setting of the orchestrator app, defined once with defaults and docs ({@code mint orchestrator
 * --list-settings} prints them): the connection, the decode and dead-letter path, and the loop's own knobs.
 */
public final class OrchestratorConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = PlatformConnection.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String INTERNAL_REPLICATION = "internal.topics.replication.factor";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String STEP_MAX_ATTEMPTS = "step.max.attempts";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String DEADLINE_ROLLOUT_MS = "stage.deadline.rollout.ms";
    public static final String DEADLINE_UPDATE_MS = "stage.deadline.update.ms";
    public static final String DEADLINE_EXPORT_MS = "stage.deadline.export.ms";
    public static final String DEADLINE_EVAL_MS = "stage.deadline.eval.ms";
    public static final String DEADLINE_CHECK_INTERVAL_MS = "stage.deadline.check.interval.ms";

    public static final ConfigDef DEFINITION = MetricsConfig.define(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(APPLICATION_ID, Type.STRING, "mint-orchestrator", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id (consumer group, changelog prefix, produced_by of its requests).")
            .define(STATE_DIR, Type.STRING,
                    Path.of(System.getProperty("java.io.tmpdir"), "mint-orchestrator").toString(), Importance.MEDIUM,
                    "Directory of the local loop-state store (rebuilt from its changelog if lost).")
            .define(STREAM_THREADS, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Stream threads of this instance.")
            .define(INTERNAL_REPLICATION, Type.INT, -1, Range.atLeast(-1), Importance.LOW,
                    "Replication of the loop-state changelog; -1 takes the broker default.")
            // the loop waits on each result, so commit often: a result turns into the next request within ~100 ms
            .define(COMMIT_INTERVAL_MS, Type.INT, 100, Range.atLeast(1), Importance.LOW,
                    "How often the app commits: a stage result becomes the next stage's request at most this much "
                            + "later.")
            .define(STEP_MAX_ATTEMPTS, Type.INT, LoopRules.DEFAULT_MAX_ATTEMPTS, Range.atLeast(1), Importance.MEDIUM,
                    "Tries of one training step (rollout, update, export, eval) before the policy's loop is given "
                            + "up as FAILED.")
            .define(SHUTDOWN_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(0), Importance.LOW,
                    "How long stopping waits for the last commit.")
            .define(DEADLINE_ROLLOUT_MS, Type.INT, StageDeadlines.DEFAULT_MS, Range.atLeast(0), Importance.MEDIUM,
                    deadlineDoc("rollout"))
            .define(DEADLINE_UPDATE_MS, Type.INT, StageDeadlines.DEFAULT_MS, Range.atLeast(0), Importance.MEDIUM,
                    deadlineDoc("update"))
            .define(DEADLINE_EXPORT_MS, Type.INT, StageDeadlines.DEFAULT_MS, Range.atLeast(0), Importance.MEDIUM,
                    deadlineDoc("export"))
            .define(DEADLINE_EVAL_MS, Type.INT, StageDeadlines.DEFAULT_MS, Range.atLeast(0), Importance.MEDIUM,
                    deadlineDoc("eval"))
            .define(DEADLINE_CHECK_INTERVAL_MS, Type.INT, StageDeadlines.DEFAULT_CHECK_INTERVAL_MS, Range.atLeast(10),
                    Importance.LOW, "How often (wall clock) the app looks for stages past their deadline.");

    public final PlatformConnection connection = ConnectionConfig.connection(this);
    public final String applicationId = getString(APPLICATION_ID);
    public final Path stateDir = Path.of(getString(STATE_DIR));
    public final int streamThreads = getInt(STREAM_THREADS);
    public final int internalReplication = getInt(INTERNAL_REPLICATION);
    public final int commitIntervalMs = getInt(COMMIT_INTERVAL_MS);
    public final int stepMaxAttempts = getInt(STEP_MAX_ATTEMPTS);
    public final Duration shutdownTimeout = Duration.ofMillis(getInt(SHUTDOWN_TIMEOUT_MS));

    public final StageDeadlines deadlines = StageDeadlines.from(values());

    public OrchestratorConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    private static String deadlineDoc(String stage) {
        return "How long the loop waits for a " + stage + " result (from sending its request) before it counts the "
                + "try as failed: the step is started again, or the loop is given up as FAILED after "
                + STEP_MAX_ATTEMPTS + " tries; each expiry is a STAGE_DEADLINE dead letter. 0: wait forever.";
    }

    /** The step attempts a processor reads from its app configs ({@link OrchestratorApp#streamsConfig} puts it). */
    static int stepMaxAttempts(Map<String, ?> appConfigs) {
        Object value = appConfigs.get(STEP_MAX_ATTEMPTS);
        return value == null ? LoopRules.DEFAULT_MAX_ATTEMPTS
                : (Integer) ConfigDef.parseType(STEP_MAX_ATTEMPTS, value, Type.INT);
    }
}
