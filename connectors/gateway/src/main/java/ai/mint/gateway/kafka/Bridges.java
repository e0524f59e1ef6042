package ai.mint.gateway.kafka;

import ai.mint.common.connection.KafkaPropertyOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.gateway.auth.Tenant;
import ai.mint.gateway.openai.ApiError;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's bridges: one shared bridge (the gateway's own principal, the shared topics) for the open tenant and
 * tenants without a Kafka client file, and one per {@link Tenant#onBroker() broker tenant}, opened at its first request
 * with the tenant's own principal, so the broker, not the gateway, keeps its requests and answers on its own topics.
 */
public final class Bridges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bridges.class);

    private final InferenceBridge shared;
    private final Function<Tenant, InferenceBridge> opener;
    private final Map<String, InferenceBridge> byTenant = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param shared the bridge of every tenant without a Kafka client file
     * @param opener opens a broker tenant's bridge (see {@link #tenantClients})
     */
    public Bridges(InferenceBridge shared, Function<Tenant, InferenceBridge> opener) {
        this.shared = shared;
        this.opener = opener;
    }

    /**
     * The Kafka clients of a broker tenant: the gateway's addresses and registry with the Kafka properties (its
     * principal and security settings) of the tenant's client file alone, so none of the gateway's own credentials mix
     * in.
     */
    public static KafkaClients tenantClients(PlatformConnection gateway, Tenant tenant) {
        KafkaPropertyOptions.Given file = KafkaPropertyOptions.fromFile(tenant.kafkaConfig());
        return KafkaClients.of(new PlatformConnection(gateway.bootstrapServers(), gateway.schemaRegistryUrl(),
                gateway.registryUserInfo(), gateway.catalogUrl(), file.properties(), gateway.catalogUserInfo()));
    }

    /** The shared bridge (feedback and the shared tenants' requests). */
    public InferenceBridge shared() {
        return shared;
    }

    /**
     * The bridge of {@code tenant}'s requests.
     *
     * @throws ApiError 503 when a broker tenant's bridge cannot be opened (asked again at its next request)
     */
    public InferenceBridge of(Tenant tenant) {
        if (!tenant.onBroker()) {
            return shared;
        }
        try {
            return byTenant.computeIfAbsent(tenant.id(), id -> {
                if (closed) {
                    throw ApiError.unavailable("shutting_down", "The gateway is shutting down");
                }
                InferenceBridge bridge = opener.apply(tenant);
                LOG.info("tenant {} sends on {}, answers on {}", id, bridge.requestTopic(), bridge.replyTopic());
                return bridge;
            });
        } catch (ApiError e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("cannot open the Kafka clients of tenant {} ({})", tenant.id(), tenant.kafkaConfig(), e);
            throw ApiError.unavailable("kafka_unavailable", "Cannot reach Kafka as tenant " + tenant.id() + ": "
                    + e.getMessage());
        }
    }

    /** Requests waiting for their replies, over every bridge. */
    public int inFlight() {
        return shared.inFlight() + byTenant.values().stream().mapToInt(InferenceBridge::inFlight).sum();
    }

    /** Closes every bridge (requests still waiting fail with 503). */
    @Override
    public void close() {
        closed = true;
        byTenant.values().forEach(InferenceBridge::close);
        shared.close();
    }
}
