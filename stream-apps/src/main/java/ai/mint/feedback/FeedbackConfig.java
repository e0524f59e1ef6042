package ai.mint.feedback;

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

/**
 * Every setting of the feedback join app, defined once with defaults and docs ({@code mint feedback --list-settings}
 * prints them): the connection, the decode and dead-letter path, and the join's window and grace.
 */
public final class FeedbackConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = PlatformConnection.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String INTERNAL_REPLICATION = "internal.topics.replication.factor";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String WINDOW_MS = "feedback.window.ms";
    public static final String GRACE_MS = "feedback.grace.ms";
    public static final String CHECK_INTERVAL_MS = "feedback.check.interval.ms";
    public static final String PARTITIONS = "feedback.partitions";
    public static final String DISCOVERY_MS = "feedback.topic.discovery.ms";

    public static final long DEFAULT_WINDOW_MS = Duration.ofHours(1).toMillis();
    public static final long DEFAULT_GRACE_MS = 10_000;
    public static final long DEFAULT_CHECK_INTERVAL_MS = 1_000;

    public static final ConfigDef DEFINITION = MetricsConfig.define(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(APPLICATION_ID, Type.STRING, "mint-feedback", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id (consumer group, prefix of its changelogs and repartition topic).")
            .define(STATE_DIR, Type.STRING,
                    Path.of(System.getProperty("java.io.tmpdir"), "mint-feedback").toString(), Importance.MEDIUM,
                    "Directory of the local stores of held responses and seen feedback (rebuilt from their "
                            + "changelogs if lost).")
            .define(STREAM_THREADS, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Stream threads of this instance.")
            .define(INTERNAL_REPLICATION, Type.INT, -1, Range.atLeast(-1), Importance.LOW,
                    "Replication of the changelogs and the responses' repartition topic; -1 takes the broker "
                            + "default.")
            .define(COMMIT_INTERVAL_MS, Type.INT, 100, Range.atLeast(1), Importance.LOW,
                    "How often the app commits: an example reaches its topic at most this much after the join.")
            .define(SHUTDOWN_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(0), Importance.LOW,
                    "How long stopping waits for the last commit.")
            .define(WINDOW_MS, Type.LONG, DEFAULT_WINDOW_MS, Range.atLeast(1), Importance.HIGH,
                    "How late feedback may come after its response (by their times) and still become a training "
                            + "example; later feedback is a FEEDBACK_TOO_LATE dead letter. Responses are held twice "
                            + "this long, so that late feedback is told apart from feedback on an unknown request.")
            .define(GRACE_MS, Type.LONG, DEFAULT_GRACE_MS, Range.atLeast(0), Importance.MEDIUM,
                    "How long (wall clock) feedback waits for its response before it is an UNKNOWN_REQUEST dead "
                            + "letter: feedback can be read before the response it is about.")
            .define(CHECK_INTERVAL_MS, Type.LONG, DEFAULT_CHECK_INTERVAL_MS, Range.atLeast(10), Importance.LOW,
                    "How often (wall clock) the app looks for waiting feedback past its grace.")
            .define(PARTITIONS, Type.INT, Topics.FEEDBACK.partitions(), Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of " + Topics.FEEDBACK.name() + " and " + Topics.INFERENCE_REQUESTS.name()
                            + ": the responses (read from the shared topic and every reply topic) are repartitioned "
                            + "to this many, so that each request's response and feedback meet in one task.")
            // a gateway's reply topic appears when the gateway starts; Kafka's 5 min default would leave its
            // responses unread (and their feedback UNKNOWN_REQUEST) that long
            .define(DISCOVERY_MS, Type.INT, 5_000, Range.atLeast(100), Importance.LOW,
                    "How often the app looks for new reply topics (mint.inference.replies.*) to read responses "
                            + "from: the metadata max age of its consumer.");

    public final PlatformConnection connection = ConnectionConfig.connection(this);
    public final String applicationId = getString(APPLICATION_ID);
    public final Path stateDir = Path.of(getString(STATE_DIR));
    public final int streamThreads = getInt(STREAM_THREADS);
    public final int internalReplication = getInt(INTERNAL_REPLICATION);
    public final int commitIntervalMs = getInt(COMMIT_INTERVAL_MS);
    public final Duration shutdownTimeout = Duration.ofMillis(getInt(SHUTDOWN_TIMEOUT_MS));
    public final long windowMs = getLong(WINDOW_MS);
    public final long graceMs = getLong(GRACE_MS);
    public final long checkIntervalMs = getLong(CHECK_INTERVAL_MS);
    public final int partitions = getInt(PARTITIONS);
    public final int discoveryMs = getInt(DISCOVERY_MS);

    public FeedbackConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    /** The join's timing, as the topology takes it. */
    public FeedbackWindow window() {
        return new FeedbackWindow(windowMs, graceMs, checkIntervalMs);
    }
}
