package ai.mint.orchestration;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of the orchestrator app, defined once with defaults and docs. */
public final class OrchestratorConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "schema.registry.url";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:9092", Importance.HIGH, "Kafka brokers (host:port,...).")
            .define(REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Schema registry speaking the Confluent REST API (mock://NAME in process).")
            .define(APPLICATION_ID, Type.STRING, "mint-orchestrator", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id (consumer group, changelog prefix, produced_by of its requests).")
            .define(STATE_DIR, Type.STRING,
                    Path.of(System.getProperty("java.io.tmpdir"), "mint-orchestrator").toString(), Importance.MEDIUM,
                    "Directory of the local loop-state store (rebuilt from its changelog if lost).");

    public final String bootstrapServers = getString(BOOTSTRAP_SERVERS);
    public final String registryUrl = getString(REGISTRY_URL);
    public final String applicationId = getString(APPLICATION_ID);
    public final Path stateDir = Path.of(getString(STATE_DIR));

    public OrchestratorConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }
}
