package ai.mint.monitoring;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Every setting of the monitoring app, defined once with defaults and docs ({@code mint monitor --list-settings}
 * prints them): the connection, the decode and dead-letter path, the windows, the alert thresholds and the query API.
 */
public final class MonitorConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = PlatformConnection.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String INTERNAL_REPLICATION = "internal.topics.replication.factor";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String INPUT_OFFSET_RESET = "input.offset.reset";
    public static final String REPLY_PARTITIONS = "replies.repartition.partitions";
    public static final String WINDOW_SIZE_MS = "window.size.ms";
    public static final String WINDOW_GRACE_MS = "window.grace.ms";
    public static final String WINDOW_CHECK_INTERVAL_MS = "window.check.interval.ms";
    public static final String WORKER_VIEW_INTERVAL_MS = "worker.view.interval.ms";
    public static final String REWARD_METRIC = "reward.metric";
    public static final String ALERT_REWARD_BELOW = "alert.reward.below";
    public static final String ALERT_LATENCY_P99_ABOVE_MS = "alert.latency.p99.above.ms";
    public static final String ALERT_ERROR_RATE_ABOVE = "alert.error.rate.above";
    public static final String ALERT_WORKER_SILENT_WINDOWS = "alert.worker.silent.windows";
    public static final String WORKER_ANSWER_PARTITIONS = "worker.answers.repartition.partitions";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String BOARD_HISTORY = "board.history";
    public static final String BOARD_ALERTS = "board.alerts";

    public static final int HTTP_PORT_DEFAULT = 7071;
    public static final long WINDOW_SIZE_DEFAULT_MS = 10_000;
    public static final long WINDOW_GRACE_DEFAULT_MS = 2_000;
    /** The name the workers publish each answer's live reward under ({@code InferenceHandler.LIVE_REWARD}). */
    public static final String REWARD_METRIC_DEFAULT = "reward";

    public static final ConfigDef DEFINITION = MetricsConfig.define(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(APPLICATION_ID, Type.STRING, "mint-monitor", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id (consumer group, changelog prefix).")
            .define(STATE_DIR, Type.STRING, Path.of(System.getProperty("java.io.tmpdir"), "mint-monitor").toString(),
                    Importance.MEDIUM, "Directory of the open windows' store (rebuilt from its changelog if lost).")
            .define(STREAM_THREADS, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Stream threads of this instance.")
            .define(INTERNAL_REPLICATION, Type.INT, -1, Range.atLeast(-1), Importance.LOW,
                    "Replication of the changelogs and the reply repartition topic; -1 takes the broker default.")
            .define(COMMIT_INTERVAL_MS, Type.INT, 1000, Range.atLeast(1), Importance.LOW,
                    "How often the app commits: a closed window's view and alerts are visible at most this much later.")
            .define(SHUTDOWN_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(0), Importance.LOW,
                    "How long stopping waits for the last commit.")
            .define(INPUT_OFFSET_RESET, Type.STRING, "latest", ValidString.in("latest", "earliest"), Importance.MEDIUM,
                    "Where a new application id starts reading responses, metrics, dead letters and heartbeats: "
                            + "latest (the live platform from now) or earliest (fold the topics' history). The "
                            + "catalog is always read from the start; with latest, a reply topic is read from a minute "
                            + "before the monitor first reads it, so that a new client's first answers count.")
            .define(REPLY_PARTITIONS, Type.INT, Topics.INFERENCE_RESPONSES.partitions(), Range.atLeast(1),
                    Importance.LOW, "Partitions of the repartition topic that brings the per-instance reply topics' "
                            + "responses to their policy's task; must equal the partition count of "
                            + Topics.INFERENCE_RESPONSES.name() + ".")
            .define(WORKER_ANSWER_PARTITIONS, Type.INT, Topics.WORKER_STATUS.partitions(), Range.atLeast(1),
                    Importance.LOW, "Partitions of the repartition topic that brings every response to the task of "
                            + "the worker that answered it, beside that worker's heartbeats; must equal the partition "
                            + "count of " + Topics.WORKER_STATUS.name() + ".")
            .define(WINDOW_SIZE_MS, Type.LONG, WINDOW_SIZE_DEFAULT_MS, Range.atLeast(100), Importance.HIGH,
                    "Length of the tumbling windows the views cover, by the time field of the events.")
            .define(WINDOW_GRACE_MS, Type.LONG, WINDOW_GRACE_DEFAULT_MS, Range.atLeast(0), Importance.MEDIUM,
                    "How long past its end a window stays open for late events; an event older than the closed "
                            + "windows (or timed further than this ahead of the wall clock) counts as late.")
            .define(WINDOW_CHECK_INTERVAL_MS, Type.LONG, 500L, Range.atLeast(10), Importance.LOW,
                    "How often (wall clock) the app closes windows while no events come.")
            .define(WORKER_VIEW_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                    "Least time between two views of one worker (by heartbeat time); a worker's first and last "
                            + "heartbeat always make one.")
            .define(REWARD_METRIC, Type.STRING, REWARD_METRIC_DEFAULT, new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Name of the live reward metric on " + Topics.METRICS.name() + ".")
            .define(ALERT_REWARD_BELOW, Type.STRING, "", AlertThresholds.VALIDATOR, Importance.MEDIUM,
                    "Alert when a window's live reward mean is below this; empty: only policies whose regression "
                            + "guard watches the live reward alert (at the serving revision's eval score minus the "
                            + "guard's max_drop, which overrides this for them).")
            .define(ALERT_LATENCY_P99_ABOVE_MS, Type.STRING, "5000", AlertThresholds.VALIDATOR, Importance.MEDIUM,
                    "Alert when a window's latency p99 (ms) is above this; empty: never.")
            .define(ALERT_ERROR_RATE_ABOVE, Type.STRING, "0.5", AlertThresholds.VALIDATOR, Importance.MEDIUM,
                    "Alert when a window's error rate (errors / requests) is above this; empty: never.")
            .define(ALERT_WORKER_SILENT_WINDOWS, Type.INT, 3, Range.atLeast(0), Importance.MEDIUM,
                    "Alert when a worker sent no heartbeat for this many windows without a last heartbeat saying it "
                            + "was leaving (once per silence); 0: never.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the query API binds.")
            .define(HTTP_PORT, Type.INT, HTTP_PORT_DEFAULT, Range.between(-1, 65535), Importance.MEDIUM,
                    "Port of the query API; 0 picks a free one, -1 serves none.")
            .define(BOARD_HISTORY, Type.INT, 30, Range.between(1, 1000), Importance.LOW,
                    "Views per policy the query API keeps for its reward history (sparklines).")
            .define(BOARD_ALERTS, Type.INT, 200, Range.between(1, 100_000), Importance.LOW,
                    "Recent alerts the query API keeps.");

    public final PlatformConnection connection = ConnectionConfig.connection(this);
    public final String applicationId = getString(APPLICATION_ID);
    public final Path stateDir = Path.of(getString(STATE_DIR));
    public final int streamThreads = getInt(STREAM_THREADS);
    public final int internalReplication = getInt(INTERNAL_REPLICATION);
    public final int commitIntervalMs = getInt(COMMIT_INTERVAL_MS);
    public final Duration shutdownTimeout = Duration.ofMillis(getInt(SHUTDOWN_TIMEOUT_MS));
    public final boolean fromEarliest = "earliest".equals(getString(INPUT_OFFSET_RESET));
    public final int replyPartitions = getInt(REPLY_PARTITIONS);
    public final int workerAnswerPartitions = getInt(WORKER_ANSWER_PARTITIONS);
    public final String httpHost = getString(HTTP_HOST);
    public final int httpPort = getInt(HTTP_PORT);
    public final int boardHistory = getInt(BOARD_HISTORY);
    public final int boardAlerts = getInt(BOARD_ALERTS);
    public final WindowSettings windows = WindowSettings.from(values());

    public MonitorConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }
}
