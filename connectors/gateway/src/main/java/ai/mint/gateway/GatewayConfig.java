package ai.mint.gateway;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.gateway.openai.CompletionJob;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the gateway, defined once with names, defaults and docs ({@code mint gateway --list-settings}
 * prints them): the connection (Kafka, the registry and the catalog's query API), the HTTP server, the API keys, and
 * the bounds a request must keep. Values are validated and read into typed fields when the config is built.
 */
public final class GatewayConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = PlatformConnection.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = PlatformConnection.SCHEMA_REGISTRY_URL;
    public static final String CATALOG_URL = PlatformConnection.CATALOG_URL;
    /** The catalog's query API when none is given: where {@code mint catalog} listens by default. */
    public static final String CATALOG_URL_DEFAULT = "http://127.0.0.1:7070";

    public static final String GATEWAY_ID = "gateway.id";
    public static final String GATEWAY_ID_DOC = "This gateway's id: its reply topic is mint.inference.replies.<id> and "
            + "its request ids start with it. Give each instance a stable id of its own (letters, digits, '.', '_', "
            + "'-'), so that a restart reuses its topic.";

    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_HOST_DOC = "Address the OpenAI-compatible API listens on.";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_PORT_DOC = "Port of the API (and of GET /metrics); 0 picks a free one.";
    public static final int HTTP_PORT_DEFAULT = 8000;
    public static final String MAX_REQUEST_BYTES = "http.max.request.bytes";
    public static final String MAX_REQUEST_BYTES_DOC = "Largest request body; a larger one is answered 413.";

    public static final String API_KEYS_FILE = "api.keys.file";
    public static final String API_KEYS_FILE_DOC = "JSON file of API keys and their tenants ({\"keys\": [{\"tenant\": "
            + "\"acme\", \"sha256\": \"HEX\", \"expires_at\": \"ISO-8601\"}]}; \"key\" instead of \"sha256\" holds a "
            + "plain key, for development). Empty: no keys, every request sees every policy (development only).";

    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS_DOC = "How long a request waits for the workers' replies before it "
            + "is answered 504.";
    public static final String MAX_PENDING = "max.pending";
    public static final String MAX_PENDING_DOC = "Most inference requests (choices) in flight at once; a request that "
            + "would pass it is answered 429.";
    public static final String MAX_TOKENS = "max.tokens";
    public static final String MAX_TOKENS_DOC = "Largest max_tokens a request may ask for (the workers refuse more "
            + "than 512).";
    public static final String MAX_N = "max.n";
    public static final String MAX_N_DOC = "Largest n (choices per prompt).";
    public static final String MAX_PROMPTS = "max.prompts";
    public static final String MAX_PROMPTS_DOC = "Most prompts in one /v1/completions request.";

    public static final String LINGER_MS = "request.linger.ms";
    public static final String LINGER_MS_DOC = "How long the gateway's producer waits to send concurrent requests as "
            + "one batch, so that a worker takes them in one poll (and one batched generate call); 0 sends each at "
            + "once.";

    public static final String CATALOG_CACHE_MS = "catalog.cache.ms";
    public static final String CATALOG_CACHE_MS_DOC = "How long a policy looked up in the catalog is reused (a pointer "
            + "move or a new policy is seen at most this much later).";
    public static final String CATALOG_TIMEOUT_MS = "catalog.timeout.ms";
    public static final String CATALOG_TIMEOUT_MS_DOC = "How long a catalog query may take before the request is "
            + "answered 503.";

    public static final ConfigDef DEFINITION = MetricsConfig.defineLabels(DecodeConfig.define(
            ConnectionConfig.define(new ConfigDef())))
            .define(GATEWAY_ID, Type.STRING, "gateway-" + ManagementFactory.getRuntimeMXBean().getPid(),
                    new ConfigDef.NonEmptyString(), Importance.HIGH, GATEWAY_ID_DOC)
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    HTTP_HOST_DOC)
            .define(HTTP_PORT, Type.INT, HTTP_PORT_DEFAULT, Range.between(0, 65535), Importance.HIGH, HTTP_PORT_DOC)
            .define(MAX_REQUEST_BYTES, Type.INT, 1024 * 1024, Range.between(1024, 64 * 1024 * 1024), Importance.LOW,
                    MAX_REQUEST_BYTES_DOC)
            .define(API_KEYS_FILE, Type.STRING, "", Importance.HIGH, API_KEYS_FILE_DOC)
            .define(REQUEST_TIMEOUT_MS, Type.INT, 60_000, Range.atLeast(1), Importance.MEDIUM, REQUEST_TIMEOUT_MS_DOC)
            .define(MAX_PENDING, Type.INT, 256, Range.atLeast(1), Importance.MEDIUM, MAX_PENDING_DOC)
            .define(MAX_TOKENS, Type.INT, 512, Range.atLeast(1), Importance.LOW, MAX_TOKENS_DOC)
            .define(MAX_N, Type.INT, 8, Range.between(1, 128), Importance.LOW, MAX_N_DOC)
            .define(MAX_PROMPTS, Type.INT, 16, Range.between(1, 1024), Importance.LOW, MAX_PROMPTS_DOC)
            .define(LINGER_MS, Type.INT, 0, Range.between(0, 1000), Importance.LOW, LINGER_MS_DOC)
            .define(CATALOG_CACHE_MS, Type.INT, 1000, Range.atLeast(0), Importance.LOW, CATALOG_CACHE_MS_DOC)
            .define(CATALOG_TIMEOUT_MS, Type.INT, 5000, Range.atLeast(1), Importance.LOW, CATALOG_TIMEOUT_MS_DOC);

    public final PlatformConnection connection = ConnectionConfig.connection(this);
    public final RetryPolicy decodeRetry = DecodeConfig.retryPolicy(values());
    public final String gatewayId = getString(GATEWAY_ID);
    public final String catalogUrl = connection.catalog().orElse(CATALOG_URL_DEFAULT);
    public final String httpHost = getString(HTTP_HOST);
    public final int httpPort = getInt(HTTP_PORT);
    public final int maxRequestBytes = getInt(MAX_REQUEST_BYTES);
    public final Path apiKeysFile = getString(API_KEYS_FILE).isBlank() ? null : Path.of(getString(API_KEYS_FILE));
    public final Duration requestTimeout = Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
    public final int maxPending = getInt(MAX_PENDING);
    public final CompletionJob.Limits limits = new CompletionJob.Limits(getInt(MAX_TOKENS), getInt(MAX_N),
            getInt(MAX_PROMPTS));
    public final int lingerMs = getInt(LINGER_MS);
    public final Duration catalogCache = Duration.ofMillis(getInt(CATALOG_CACHE_MS));
    public final Duration catalogTimeout = Duration.ofMillis(getInt(CATALOG_TIMEOUT_MS));

    /** Validates the settings; a missing or bad value throws a ConfigException naming it. */
    public GatewayConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
        try {
            ai.mint.topics.Topics.inferenceReplies(gatewayId);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(GATEWAY_ID, gatewayId, e.getMessage());
        }
    }
}
