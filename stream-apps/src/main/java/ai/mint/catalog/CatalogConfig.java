package ai.mint.catalog;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.metrics.MetricsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Every setting of the catalog app, defined once with names, defaults and docs ({@code mint catalog --list-settings}
 * prints them): the connection, the decode and dead-letter path, and the app's own knobs. Values are validated and
 * read into typed fields when the config is built.
 */
public final class CatalogConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = PlatformConnection.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;

    public static final String APPLICATION_ID = "application.id";
    public static final String APPLICATION_ID_DOC = "Kafka Streams application id: consumer group, prefix of the "
            + "changelog topics, and the produced_by of what the catalog decides itself.";
    public static final String APPLICATION_ID_DEFAULT = "mint-catalog";

    public static final String STATE_DIR = "state.dir";
    public static final String STATE_DIR_DOC = "Directory of the local RocksDB stores (rebuilt from changelogs if lost).";
    public static final String STATE_DIR_DEFAULT = Path.of(System.getProperty("java.io.tmpdir"), "mint-catalog").toString();

    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_HOST_DOC = "Host name other instances use to reach this one's query API "
            + "(advertised as application.server).";
    public static final String HTTP_HOST_DEFAULT = "127.0.0.1";

    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_PORT_DOC = "Port of the query API; 0 picks a free one.";
    public static final int HTTP_PORT_DEFAULT = 7070;

    public static final String STORE_KIND = "store.kind";
    public static final String STORE_KIND_DOC = "rocksdb (persistent, for real runs) or in_memory (tests).";
    public static final String STORE_KIND_DEFAULT = "rocksdb";

    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String STREAM_THREADS_DOC = "Stream threads of this instance.";
    public static final int STREAM_THREADS_DEFAULT = 1;

    public static final String INTERNAL_REPLICATION = "internal.topics.replication.factor";
    public static final String INTERNAL_REPLICATION_DOC = "Replication of changelog topics; -1 takes the broker default.";
    public static final int INTERNAL_REPLICATION_DEFAULT = -1;

    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String COMMIT_INTERVAL_MS_DOC = "How often the app commits its transaction: what it decided "
            + "becomes visible to read_committed readers (workers, clients) at most this much later.";
    public static final int COMMIT_INTERVAL_MS_DEFAULT = 100;

    public static final String RECENT_EVENT_IDS = "recent.event.ids.per.policy";
    public static final String RECENT_EVENT_IDS_DOC = "Event ids remembered per policy to drop redelivered duplicates.";

    public static final String QUERY_FORWARD_TIMEOUT_MS = "query.forward.timeout.ms";
    public static final String QUERY_FORWARD_TIMEOUT_MS_DOC = "How long a query forwarded to the instance that owns "
            + "the policy may take before it is answered 503.";
    public static final int QUERY_FORWARD_TIMEOUT_MS_DEFAULT = 5000;

    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String SHUTDOWN_TIMEOUT_MS_DOC = "How long stopping waits for the last commit and for leaving "
            + "the group.";
    public static final int SHUTDOWN_TIMEOUT_MS_DEFAULT = 30_000;


    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_TYPE_DOC = "Compression of every record the catalog writes (its topics and "
            + "changelogs): none, gzip, snappy, lz4 or zstd.";
    public static final String COMPRESSION_TYPE_DEFAULT = "lz4";

    public static final String STATE_MEMORY_BYTES = "state.memory.bytes";
    public static final String STATE_MEMORY_BYTES_DOC = "Memory all RocksDB stores of the instance share (block cache "
            + "and memtables), whatever the catalog's size.";
    public static final long STATE_MEMORY_BYTES_DEFAULT = 128L << 20;

    public static final String RETENTION_KEEP_LAST = "retention.keep.last";
    public static final String RETENTION_KEEP_LAST_DOC = "Newest revisions kept per policy (and carried in its catalog "
            + "entry); older ones are retired unless they serve, served or passed eval.";

    public static final String RETENTION_GRACE_MS = "retention.grace.ms";
    public static final String RETENTION_GRACE_MS_DOC = "How long after retirement a revision's stored files must stay "
            + "(the remove_after of mint.catalog.retirements).";

    public static final String RETENTION_CHECK_INTERVAL_MS = "retention.check.interval.ms";
    public static final String RETENTION_CHECK_INTERVAL_MS_DOC = "How often revisions whose time to live ended are "
            + "looked for (wall clock).";

    public static final ConfigDef DEFINITION = MetricsConfig.define(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(APPLICATION_ID, Type.STRING, APPLICATION_ID_DEFAULT, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, APPLICATION_ID_DOC)
            .define(STATE_DIR, Type.STRING, STATE_DIR_DEFAULT, Importance.MEDIUM, STATE_DIR_DOC)
            .define(HTTP_HOST, Type.STRING, HTTP_HOST_DEFAULT, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    HTTP_HOST_DOC)
            .define(HTTP_PORT, Type.INT, HTTP_PORT_DEFAULT, Range.between(0, 65535), Importance.MEDIUM, HTTP_PORT_DOC)
            .define(STORE_KIND, Type.STRING, STORE_KIND_DEFAULT, ValidString.in("rocksdb", "in_memory"),
                    Importance.LOW, STORE_KIND_DOC)
            .define(STREAM_THREADS, Type.INT, STREAM_THREADS_DEFAULT, Range.atLeast(1), Importance.LOW,
                    STREAM_THREADS_DOC)
            .define(INTERNAL_REPLICATION, Type.INT, INTERNAL_REPLICATION_DEFAULT, Range.atLeast(-1), Importance.LOW,
                    INTERNAL_REPLICATION_DOC)
            .define(COMMIT_INTERVAL_MS, Type.INT, COMMIT_INTERVAL_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                    COMMIT_INTERVAL_MS_DOC)
            .define(RECENT_EVENT_IDS, Type.INT, CatalogStores.RECENT_EVENT_IDS_PER_POLICY, Range.atLeast(1),
                    Importance.LOW, RECENT_EVENT_IDS_DOC)
            .define(QUERY_FORWARD_TIMEOUT_MS, Type.INT, QUERY_FORWARD_TIMEOUT_MS_DEFAULT, Range.atLeast(1),
                    Importance.LOW, QUERY_FORWARD_TIMEOUT_MS_DOC)
            .define(SHUTDOWN_TIMEOUT_MS, Type.INT, SHUTDOWN_TIMEOUT_MS_DEFAULT, Range.atLeast(0), Importance.LOW,
                    SHUTDOWN_TIMEOUT_MS_DOC)
            .define(COMPRESSION_TYPE, Type.STRING, COMPRESSION_TYPE_DEFAULT,
                    ValidString.in("none", "gzip", "snappy", "lz4", "zstd"), Importance.LOW, COMPRESSION_TYPE_DOC)
            .define(STATE_MEMORY_BYTES, Type.LONG, STATE_MEMORY_BYTES_DEFAULT, Range.atLeast(8L << 20), Importance.LOW,
                    STATE_MEMORY_BYTES_DOC)
            .define(RETENTION_KEEP_LAST, Type.INT, RetentionSettings.DEFAULT_KEEP_LAST, Range.between(1, 1000),
                    Importance.MEDIUM, RETENTION_KEEP_LAST_DOC)
            .define(RETENTION_GRACE_MS, Type.LONG, RetentionSettings.DEFAULT_GRACE.toMillis(), Range.atLeast(0),
                    Importance.MEDIUM, RETENTION_GRACE_MS_DOC)
            .define(RETENTION_CHECK_INTERVAL_MS, Type.LONG, RetentionSettings.DEFAULT_CHECK_INTERVAL.toMillis(),
                    Range.atLeast(1), Importance.LOW, RETENTION_CHECK_INTERVAL_MS_DOC);

    public final PlatformConnection connection = ConnectionConfig.connection(this);
    public final String applicationId = getString(APPLICATION_ID);
    public final Path stateDir = Path.of(getString(STATE_DIR));
    public final String httpHost = getString(HTTP_HOST);
    public final int httpPort = getInt(HTTP_PORT);
    public final StoreKind storeKind = StoreKind.valueOf(getString(STORE_KIND).toUpperCase(Locale.ROOT));
    public final int streamThreads = getInt(STREAM_THREADS);
    public final int internalReplication = getInt(INTERNAL_REPLICATION);
    public final int commitIntervalMs = getInt(COMMIT_INTERVAL_MS);
    public final int recentEventIdsPerPolicy = getInt(RECENT_EVENT_IDS);
    public final Duration queryForwardTimeout = Duration.ofMillis(getInt(QUERY_FORWARD_TIMEOUT_MS));
    public final Duration shutdownTimeout = Duration.ofMillis(getInt(SHUTDOWN_TIMEOUT_MS));
    public final String compressionType = getString(COMPRESSION_TYPE);
    public final long stateMemoryBytes = getLong(STATE_MEMORY_BYTES);

    /** Validates the settings; a missing or bad value throws a ConfigException naming it. */
    public CatalogConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    /** The retention settings. */
    public RetentionSettings retention() {
        return new RetentionSettings(getInt(RETENTION_KEEP_LAST), java.time.Duration.ofMillis(getLong(RETENTION_GRACE_MS)),
                java.time.Duration.ofMillis(getLong(RETENTION_CHECK_INTERVAL_MS)));
    }
}
