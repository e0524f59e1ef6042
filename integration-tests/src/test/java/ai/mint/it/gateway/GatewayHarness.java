package ai.mint.it.gateway;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.client.MintClient;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.feedback.FeedbackConfig;
import ai.mint.feedback.FeedbackJoinApp;
import ai.mint.gateway.Gateway;
import ai.mint.gateway.GatewayConfig;
import ai.mint.gateway.auth.ApiKeys;
import ai.mint.lifecycle.bench.RevisionPublisher;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
/**
 * The serving path for the gateway tests on the shared embedded platform: a micro base model, the catalog app, the
 * scheduler, one inference worker, API keys for two tenants (and an expired one), and policies served by random adapters published
 * as revisions, so that nothing has to be trained.
 */
final class GatewayHarness implements AutoCloseable {

    static final String BASE = "micro";
    static final String ACME_KEY = "sk-acme-it";
    static final String GLOBEX_KEY = "sk-globex-it";
    static final String EXPIRED_KEY = "sk-expired-it";

    final EmbeddedPlatform platform;
    final Path dir;
    final String runId = UUID.randomUUID().toString().substring(0, 8);
    final RunningCatalog catalog;
    final KafkaStreams scheduler;
    /** The feedback join, so that feedback sent to a gateway ends as training examples. */
    final KafkaStreams feedback;
    final Worker worker;
    final String workerId = "gateway-worker-" + runId;
    final MintClient client;
    final RevisionPublisher revisions;
    final Path keys;
    private final List<Gateway> gateways = new ArrayList<>();

    GatewayHarness(EmbeddedPlatform platform) throws IOException {
        this.platform = platform;
        this.dir = Files.createTempDirectory("mint-gateway-it-");
        Path baseDir = dir.resolve(BASE);
        BaseModelInitializer.write(baseDir, TestModels.microDense(), 11L, DType.F32);
        this.catalog = CatalogApp.start(new CatalogConfig(Map.of(
                CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                CatalogConfig.APPLICATION_ID, "it-gateway-catalog-" + runId,
                CatalogConfig.STATE_DIR, dir.resolve("catalog-state").toString(),
                CatalogConfig.HTTP_PORT, 0)));
        this.scheduler = SchedulerApp.start(new SchedulerConfig(Map.of(
                SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                SchedulerConfig.APPLICATION_ID, "it-gateway-scheduler-" + runId,
                SchedulerConfig.STATE_DIR, dir.resolve("scheduler-state").toString())));
        this.feedback = FeedbackJoinApp.start(new FeedbackConfig(Map.of(
                FeedbackConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                FeedbackConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                FeedbackConfig.APPLICATION_ID, "it-gateway-feedback-" + runId,
                FeedbackConfig.STATE_DIR, dir.resolve("feedback-state").toString(),
                FeedbackConfig.GRACE_MS, 30_000L,
                FeedbackConfig.DISCOVERY_MS, 1_000,
                MetricsConfig.PORT, -1)));
        this.worker = Worker.start(new WorkerConfig(Map.of(
                WorkerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                WorkerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                PlatformConnection.CATALOG_URL, catalog.queryUrl(),
                WorkerConfig.WORKER_ID, workerId,
                WorkerConfig.GROUP_ID, "it-gateway-workers-" + runId,
                WorkerConfig.ROLES, "inference",
                WorkerConfig.BASE_DIR, baseDir.toString(),
                WorkerConfig.STORE_ROOT, dir.resolve("store").toString(),
                WorkerConfig.HEARTBEAT_MS, 1000,
                MetricsConfig.PORT, -1)));
        this.client = new MintClient(platform.bootstrapServers(), platform.schemaRegistryUrl(), Duration.ofSeconds(60));
        this.revisions = new RevisionPublisher(platform.connection(), BASE);
        this.keys = dir.resolve("keys.json");
        Files.writeString(keys, ("{'keys': [{'tenant': 'acme', 'key': '" + ACME_KEY + "'},"
                + " {'tenant': 'globex', 'sha256': '" + ApiKeys.sha256(GLOBEX_KEY) + "'},"
                + " {'tenant': 'acme', 'key': '" + EXPIRED_KEY + "', 'expires_at': '2020-01-01T00:00:00Z'}]}")
                .replace('\'', '"'));
    }

    /** A policy id of this run. */
    String policy(String name) {
        return "gw-" + runId + "-" + name;
    }

    /** Creates {@code policy} for {@code tenant} and, unless {@code served} is false, serves revision rev-1. */
    void policy(String policy, String tenant, boolean served) throws Exception {
        client.createPolicy(RevisionPublisher.spec(policy, BASE, Map.of("tenant", tenant))).get(60, TimeUnit.SECONDS);
        if (!served) {
            return;
        }
        revisions.publishRandom(worker.runtime().store(), TestModels.microDense(), dir, policy, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"rev-1".equals(client.policy(policy).map(e -> e.getServingRevision()).orElse(null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(policy + "@rev-1 was not promoted within 60 s");
            }
            Thread.sleep(50);
        }
    }

    /** Starts a gateway with the tenants' keys on a free port; {@code extra} settings win. */
    Gateway gateway(String name, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                GatewayConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                GatewayConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                GatewayConfig.CATALOG_URL, catalog.queryUrl(),
                GatewayConfig.GATEWAY_ID, "it-" + name + "-" + runId,
                GatewayConfig.HTTP_PORT, 0,
                GatewayConfig.API_KEYS_FILE, keys.toString(),
                GatewayConfig.REQUEST_TIMEOUT_MS, 60_000,
                GatewayConfig.CATALOG_CACHE_MS, 200));
        settings.putAll(extra);
        Gateway gateway = Gateway.start(new GatewayConfig(settings));
        gateways.add(gateway);
        return gateway;
    }

    @Override
    public void close() throws IOException {
        gateways.forEach(Gateway::close);
        client.close();
        revisions.close();
        worker.close();
        SchedulerApp.stop(scheduler, Duration.ofSeconds(30));
        feedback.close(Duration.ofSeconds(30));
        catalog.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
