package ai.mint.worker;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.metrics.MetricsConfig;
import java.lang.management.ManagementFactory;
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
    public static final String DEVICE = "device";
    public static final String HEARTBEAT_MS = "heartbeat.interval.ms";
    public static final String CATALOG_WAIT_MS = "catalog.wait.ms";
    public static final String INFERENCE_BATCH = "inference.max.batch";

    public static final ConfigDef DEFINITION = MetricsConfig.define(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(WORKER_ID, Type.STRING, "worker-" + ManagementFactory.getRuntimeMXBean().getPid(),
                    new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "This worker's id: produced_by of its results, key of its heartbeats.")
            .define(ROLES, Type.LIST, "rollout,update,export,eval,inference", Importance.HIGH,
                    "Work this worker takes: any of rollout, update, export, eval, inference.")
            .define(GROUP_ID, Type.STRING, "mint-workers", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Consumer group prefix; workers with the same prefix share the work (-lifecycle and -inference groups).")
            .define(BASE_DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Directory of the resident base model (config.json, model.safetensors, tokenizer.json).")
            .define(BASE_MODEL, Type.STRING, "", Importance.MEDIUM,
                    "Id of the base model that policies name in base_model; empty = the base directory's name.")
            .define(STORE_ROOT, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Root directory of the adapter store (shared by the workers of one platform).")
            .define(DEVICE, Type.STRING, "cpu", Importance.LOW, "cpu, or gpu/cuda for the first CUDA device.")
            .define(HEARTBEAT_MS, Type.INT, 5000, Range.atLeast(100), Importance.LOW,
                    "How often the worker publishes its status to mint.worker.status.")
            .define(CATALOG_WAIT_MS, Type.INT, 30_000, Range.atLeast(0), Importance.LOW,
                    "How long a request waits for its policy to appear in the followed catalog before it is refused.")
            .define(INFERENCE_BATCH, Type.INT, 32, Range.atLeast(1), Importance.LOW,
                    "Most inference requests answered in one batched generate call.");

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
    public final String device = getString(DEVICE);
    public final int heartbeatMs = getInt(HEARTBEAT_MS);
    public final int catalogWaitMs = getInt(CATALOG_WAIT_MS);
    public final int inferenceBatch = getInt(INFERENCE_BATCH);

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
