package ai.mint.it;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.events.PolicySpec;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.gateway.Gateway;
import ai.mint.gateway.GatewayConfig;
import ai.mint.lifecycle.bench.RevisionPublisher;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.platform.SecureMode;
import ai.mint.platform.TenantAccess;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Tenant;
import ai.mint.topics.Topics;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway on {@code mint up --secure}: a key whose entry names the client file {@code mint tenant add} wrote sends
 * its tenant's completions with the tenant's own principal onto {@code mint.tenant.NAME.inference.requests} and gets
 * them answered on its own responses topic; the tenant does not see another tenant's policy, nor one labelled for it
 * outside its prefix. The platform's services run as the admin here; what is under test is the gateway's principal.
 */
class SecureGatewayIT {

    private static final String BASE = "micro";
    private static final Tenant GLOBEX = new Tenant("globex");

    @Test
    void shouldSendABrokerTenantsCompletionOnItsOwnTopicsAndHideOtherTenantsPolicies() throws Exception {
        Path dir = Files.createTempDirectory("mint-it-secure-gateway-");
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(dir).withSecure(true))) {
            SecureMode secure = platform.secureMode().orElseThrow();
            PlatformConnection admin = platform.connection();
            Path globexFile = TenantAccess.addTenant(admin, secure, GLOBEX);
            Path baseDir = dir.resolve(BASE);
            BaseModelInitializer.write(baseDir, TestModels.microDense(), 11L, DType.F32);

            try (RunningCatalog catalog = CatalogApp.start(new CatalogConfig(settings(admin, Map.of(
                    CatalogConfig.APPLICATION_ID, "mint-it-sgw-catalog-" + run,
                    CatalogConfig.STATE_DIR, dir.resolve("catalog-state").toString(),
                    CatalogConfig.HTTP_PORT, 0))));
                 Stopping scheduler = new Stopping(SchedulerApp.start(new SchedulerConfig(settings(admin, Map.of(
                         SchedulerConfig.APPLICATION_ID, "mint-it-sgw-scheduler-" + run,
                         SchedulerConfig.STATE_DIR, dir.resolve("scheduler-state").toString())))));
                 Worker worker = Worker.start(new WorkerConfig(settings(admin, Map.of(
                         PlatformConnection.CATALOG_URL, catalog.queryUrl(),
                         WorkerConfig.WORKER_ID, "sgw-worker-" + run,
                         WorkerConfig.GROUP_ID, "mint-it-sgw-workers-" + run,
                         WorkerConfig.ROLES, "inference",
                         WorkerConfig.BASE_DIR, baseDir.toString(),
                         WorkerConfig.STORE_ROOT, dir.resolve("store").toString(),
                         WorkerConfig.HEARTBEAT_MS, 1000,
                         MetricsConfig.PORT, -1))));
                 RevisionPublisher revisions = new RevisionPublisher(admin, BASE)) {
                String own = "globex.chat-" + run;
                String labelOnly = "chat-" + run;
                String acmes = "acme.chat-" + run;
                send(admin, Topics.POLICY_SPECS.name(), RevisionPublisher.spec(own, BASE, Map.of("tenant", "globex")));
                send(admin, Topics.POLICY_SPECS.name(), RevisionPublisher.spec(labelOnly, BASE,
                        Map.of("tenant", "globex")));
                send(admin, Topics.POLICY_SPECS.name(), RevisionPublisher.spec(acmes, BASE, Map.of("tenant", "acme")));

                Path keys = dir.resolve("keys.json");
                Files.writeString(keys, ("{'keys': [{'tenant': 'globex', 'key': 'sk-globex', 'kafka_config': '"
                        + globexFile + "'}]}").replace('\'', '"'));
                Map<String, Object> gatewaySettings = settings(admin, Map.of(
                        GatewayConfig.CATALOG_URL, catalog.queryUrl(),
                        GatewayConfig.GATEWAY_ID, "sgw-" + run,
                        GatewayConfig.HTTP_PORT, 0,
                        GatewayConfig.API_KEYS_FILE, keys.toString(),
                        GatewayConfig.REQUEST_TIMEOUT_MS, 60_000,
                        GatewayConfig.CATALOG_CACHE_MS, 200));
                try (Gateway gateway = Gateway.start(new GatewayConfig(gatewaySettings))) {
                    HttpClient http = HttpClient.newHttpClient();
                    // the catalog knows the policy before its first revision comes
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                            assertThat(get(http, gateway.url() + "/models/" + own).statusCode()).isEqualTo(200));
                    revisions.publishRandom(worker.runtime().store(), TestModels.microDense(), dir, own, 1);
                    String body = "{\"model\": \"" + own + "\", \"prompt\": \"hello\", \"max_tokens\": 3,"
                            + " \"temperature\": 0}";
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        HttpResponse<String> answer = post(http, gateway.url() + "/completions", body);
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                        assertThat(answer.body()).contains("\"text\"").contains(own);
                    });
                    assertThat(Events.readAll(admin, GLOBEX.topic(Tenant.Kind.INFERENCE_REQUESTS),
                            r -> own.equals(r.key()))).as("on the tenant's own request topic").isNotEmpty();
                    assertThat(Events.readAll(admin, Topics.INFERENCE_REQUESTS.name(), r -> own.equals(r.key())))
                            .as("nothing of it on the shared request topic").isEmpty();
                    assertThat(Events.readAll(admin, GLOBEX.topic(Tenant.Kind.INFERENCE_RESPONSES),
                            r -> own.equals(r.key()))).as("answered on its own responses topic").isNotEmpty();

                    for (String foreign : new String[]{acmes, labelOnly}) {
                        assertThat(get(http, gateway.url() + "/models/" + foreign).statusCode()).as(foreign)
                                .isEqualTo(404);
                        assertThat(post(http, gateway.url() + "/completions", body.replace(own, foreign))
                                .statusCode()).as(foreign).isEqualTo(404);
                    }
                    assertThat(get(http, gateway.url() + "/models").body()).contains(own)
                            .doesNotContain("\"" + labelOnly).doesNotContain(acmes);
                }
            }
        } finally {
            TestFiles.deleteTree(dir);
        }
    }

    /** The admin's connection as service settings, then {@code extra}. */
    private static Map<String, Object> settings(PlatformConnection admin, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(admin.toSettings());
        settings.putAll(extra);
        return settings;
    }

    private static void send(PlatformConnection principal, String topic, PolicySpec spec) throws Exception {
        try (KafkaProducer<String, PolicySpec> producer = KafkaClients.of(principal).producer("it-sgw",
                new StringSerializer(), new AvroEventSerializer<>(principal.registry()))) {
            producer.send(new ProducerRecord<>(topic, spec.getPolicyId(), spec)).get();
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer sk-globex")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer sk-globex").GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops a Streams app at the end of a try. */
    private record Stopping(KafkaStreams app) implements AutoCloseable {
        @Override
        public void close() {
            SchedulerApp.stop(app, Duration.ofSeconds(30));
        }
    }
}
