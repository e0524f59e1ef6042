package ai.mint.gateway;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.gateway.auth.ApiKeys;
import ai.mint.gateway.catalog.CatalogClient;
import ai.mint.gateway.http.GatewayServer;
import ai.mint.gateway.kafka.Bridges;
import ai.mint.gateway.kafka.InferenceBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: the OpenAI-compatible HTTP API over the inference topics, its own reply topic, the catalog
 * reader, the API keys and the metrics ({@code GET /metrics} on the API port). Start with {@link #start}, stop with
 * {@link #close}.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final ServiceMetrics metrics;
    private final Bridges bridges;
    private final CatalogClient catalog;
    private final GatewayServer server;

    private Gateway(GatewayConfig config, ApiKeys keys) {
        this.config = config;
        this.metrics = ServiceMetrics.withoutEndpoint("gateway");
        try {
            InferenceBridge shared = bridge(KafkaClients.of(config.connection),
                    InferenceBridge.Route.shared(config.gatewayId));
            this.bridges = new Bridges(shared, tenant -> bridge(Bridges.tenantClients(config.connection, tenant),
                    InferenceBridge.Route.tenant(tenant.broker(), config.gatewayId)));
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        this.catalog = new CatalogClient(config.catalogUrl, config.catalogTimeout, config.catalogCache,
                config.connection.catalogUserInfo());
        try {
            GatewayMetrics meters = new GatewayMetrics(metrics, MetricsConfig.policyLabels(config), bridges::inFlight);
            this.server = new GatewayServer(new GatewayServer.Settings(config.httpHost, config.httpPort,
                    config.maxRequestBytes, config.requestTimeout, config.limits, config.gatewayId), keys, catalog,
                    bridges, metrics, meters);
        } catch (RuntimeException e) {
            catalog.close();
            bridges.close();
            metrics.close();
            throw e;
        }
    }

    private InferenceBridge bridge(KafkaClients clients, InferenceBridge.Route route) {
        return new InferenceBridge(clients, config.connection.registry(), route, config.decodeRetry,
                config.maxPending, config.requestTimeout, config.lingerMs, metrics);
    }

    /** Reads the API keys (if a file is set), creates the reply topic if needed and starts serving. */
    public static Gateway start(GatewayConfig config) {
        ApiKeys keys = config.apiKeysFile == null ? ApiKeys.open() : ApiKeys.read(config.apiKeysFile);
        if (keys.isOpen()) {
            LOG.warn("gateway {} has no API keys ({} is empty): every request sees every policy; for development "
                    + "only", config.gatewayId, GatewayConfig.API_KEYS_FILE);
        } else if (keys.plainKeys() > 0) {
            LOG.warn("{} holds {} plain-text key(s); store their sha256 instead outside development",
                    config.apiKeysFile, keys.plainKeys());
        }
        Gateway gateway = new Gateway(config, keys);
        LOG.info("gateway {} serving {} (catalog {}, replies on {})", config.gatewayId, gateway.url(),
                config.catalogUrl, gateway.replyTopic());
        return gateway;
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:8000/v1}. */
    public String url() {
        return "http://" + config.httpHost + ":" + server.port() + "/v1";
    }

    /** Where Prometheus scrapes this gateway. */
    public String metricsUrl() {
        return "http://" + config.httpHost + ":" + server.port() + "/metrics";
    }

    /** The topic this gateway's requests are answered on. */
    public String replyTopic() {
        return bridges.shared().replyTopic();
    }

    public GatewayConfig config() {
        return config;
    }

    /** Stops taking requests, then stops reading replies on every bridge (requests still waiting fail with 503). */
    @Override
    public void close() {
        server.close();
        catalog.close();
        bridges.close();
        metrics.close();
    }
}
