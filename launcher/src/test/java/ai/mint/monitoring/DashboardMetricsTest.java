package ai.mint.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.metrics.PolicyLabels;
import ai.mint.common.metrics.PrometheusText;
import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.InferenceResponse;
import ai.mint.events.UpdateResult;
import ai.mint.gateway.GatewayMetrics;
import ai.mint.worker.ModelRuntime;
import ai.mint.worker.WorkerMetrics;
import ai.mint.common.store.FilesystemAdapterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard (docker/grafana/mint-dashboard.json) is built on names the services really serve: every
 * metric its queries use appears in the scrape of a gateway's and a worker's meters after they have seen a request,
 * a training step, a dead letter and a Kafka consumer.
 */
class DashboardMetricsTest {

    private static final Path DASHBOARD = Path.of("..", "docker", "grafana", "mint-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:mint|kafka|process)_[a-z0-9_]+)\\b");

    @TempDir
    Path dir;

    @Test
    void shouldQueryOnlyMetricsTheServicesServe() throws Exception {
        Set<String> queried = queriedMetrics();
        assertThat(queried).contains("mint_gateway_requests_total", "mint_adapters_resident",
                "mint_training_loss", "mint_dead_letters_total", "kafka_consumer_fetch_manager_records_lag_max");

        Set<String> served = new TreeSet<>();
        try (ServiceMetrics gateway = ServiceMetrics.withoutEndpoint("gateway")) {
            GatewayMetrics meters = new GatewayMetrics(gateway, new PolicyLabels(5), () -> 0);
            meters.request(meters.label("p"), "completions", 200, 1_000_000);
            meters.tokens(meters.label("p"), 3, 4);
            meters.firstToken(meters.label("p"), 1_000_000);
            served.addAll(names(gateway));
        }
        Path base = dir.resolve("micro");
        BaseModelInitializer.write(base, TestModels.microDense(), 1L, DType.F32);
        try (ServiceMetrics worker = ServiceMetrics.withoutEndpoint("worker");
             ModelRuntime runtime = ModelRuntime.open(base, "cpu", new FilesystemAdapterStore(dir.resolve("store")),
                     "micro");
             KafkaConsumer<String, String> consumer = KafkaClients.of(PlatformConnection.of("127.0.0.1:1", null))
                     .consumer("dashboard-test", new StringDeserializer(), new StringDeserializer())) {
            WorkerMetrics meters = new WorkerMetrics(worker, new PolicyLabels(5), runtime);
            meters.published(InferenceResponse.newBuilder().setEventId("e").setPolicyId("p").setTime(Instant.EPOCH)
                    .setRequestId("r").setRevision("rev-1").setWorkerId("w").setCompletionText("ab")
                    .setCompletionTokens(List.of(1, 2)).setFinishReason("length").setLatencyMs(5).setPromptTokens(2)
                    .build());
            meters.published(UpdateResult.newBuilder().setEventId("u").setPolicyId("p").setTime(Instant.EPOCH)
                    .setCorrelationId("c").setProducedBy("w").setBaseRevision("b").setNewRevision("n").setStep(1)
                    .setLoss(0.5).setMeanReward(0.25).setRewardStd(0).setGradNorm(0).setKl(0).setStateUri("")
                    .build());
            meters.coldLoad(1_000_000);
            worker.bindKafkaClient(consumer);
            DeadLetters.of("d", Instant.EPOCH, new DeadLetters.Source("mint.inference.requests", 0, 0, null, null),
                    "p", "Rejected", "test", "test");
            served.addAll(names(worker));
        }

        assertThat(served).containsAll(queried);
    }

    private static Set<String> queriedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private static Set<String> names(ServiceMetrics metrics) {
        return PrometheusText.parse(metrics.scrape()).samples().stream().map(PrometheusText.Sample::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
