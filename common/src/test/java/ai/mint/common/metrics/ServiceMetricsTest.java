package ai.mint.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.deadletter.DeadLetters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldServeValidPrometheusTextWhoseCountersAndHistogramsMatchWhatWasRecorded() throws Exception {
        try (ServiceMetrics metrics = ServiceMetrics.start("test-service", "127.0.0.1", 0)) {
            for (int i = 0; i < 7; i++) {
                Counter.builder("mint.test.requests").tag(PolicyLabels.TAG, "p1").register(metrics.registry())
                        .increment();
            }
            Timer timer = Timer.builder("mint.test.latency").serviceLevelObjectives(Duration.ofMillis(10),
                    Duration.ofMillis(100)).register(metrics.registry());
            timer.record(Duration.ofMillis(5));
            timer.record(Duration.ofMillis(50));
            timer.record(Duration.ofMillis(500));

            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(metrics.url().orElseThrow()))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(ServiceMetrics.CONTENT_TYPE);
            PrometheusText text = PrometheusText.parse(response.body());
            assertThat(text.sum("mint_test_requests_total", Map.of("policy", "p1", "service", "test-service")))
                    .isEqualTo(7.0);
            assertThat(text.type("mint_test_latency_seconds")).isEqualTo("histogram");
            assertThat(text.sum("mint_test_latency_seconds_count", Map.of())).isEqualTo(3.0);
            assertThat(text.sum("mint_test_latency_seconds_bucket", Map.of("le", "0.01"))).isEqualTo(1.0);
            assertThat(text.sum("mint_test_latency_seconds_bucket", Map.of("le", "0.1"))).isEqualTo(2.0);
            assertThat(text.sum("mint_test_latency_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(3.0);
            assertThat(text.find("jvm_memory_used_bytes", Map.of())).isNotEmpty();
        }
    }

    @Test
    void shouldAnswerOtherPathsWith404() throws Exception {
        try (ServiceMetrics metrics = ServiceMetrics.start("test-service", "127.0.0.1", 0)) {
            String url = metrics.url().orElseThrow().replace("/metrics", "/nope");
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).contains("/metrics");
        }
    }

    @Test
    void shouldRefuseABusyPortNamingTheSetting() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ServiceMetrics.start("test-service", "127.0.0.1", busy.getLocalPort()))
                    .isInstanceOf(MetricsEndpointException.class)
                    .hasMessageContaining(MetricsConfig.PORT)
                    .hasMessageContaining(String.valueOf(busy.getLocalPort()));
        }
    }

    @Test
    void shouldServeNoEndpointForANegativePort() {
        try (ServiceMetrics metrics = ServiceMetrics.start("test-service", "127.0.0.1", -1)) {
            assertThat(metrics.url()).isEmpty();
            assertThat(metrics.scrape()).contains("jvm_");
        }
    }

    @Test
    void shouldCountDeadLettersByTopicAndReasonInEveryRunningService() {
        try (ServiceMetrics metrics = ServiceMetrics.withoutEndpoint("test-service")) {
            Map<String, String> labels = Map.of("source_topic", "mint.policy.specs", "reason", "BadSpec");
            double before = PrometheusText.parse(metrics.scrape()).sum("mint_dead_letters_total", labels);
            for (int i = 0; i < 3; i++) {
                DeadLetters.of("e" + i, Instant.now(), new DeadLetters.Source("mint.policy.specs", 0, i, null,
                        new byte[]{1}), "p", "ai.mint.catalog.Rules$BadSpec", "why", "test");
            }
            DeadLetters.of("x", Instant.now(), new DeadLetters.Source("some.private.topic", 0, 0, null, null), "p",
                    "BadSpec", "why", "test");
            PrometheusText text = PrometheusText.parse(metrics.scrape());
            assertThat(text.sum("mint_dead_letters_total", labels) - before).isEqualTo(3.0);
            assertThat(text.sum("mint_dead_letters_total", Map.of("source_topic", "other"))).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void shouldRemoveEverySeriesOfADemotedPolicy() {
        try (ServiceMetrics metrics = ServiceMetrics.withoutEndpoint("test-service")) {
            Counter.builder("mint.test.requests").tag(PolicyLabels.TAG, "gone").register(metrics.registry()).increment();
            Counter.builder("mint.test.requests").tag(PolicyLabels.TAG, "kept").register(metrics.registry()).increment();
            metrics.removePolicy("gone");
            PrometheusText text = PrometheusText.parse(metrics.scrape());
            assertThat(text.find("mint_test_requests_total", Map.of("policy", "gone"))).isEmpty();
            assertThat(text.find("mint_test_requests_total", Map.of("policy", "kept"))).hasSize(1);
        }
    }
}
