package ai.mint.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.InferenceResponse;
import ai.mint.gateway.Gateway;
import ai.mint.it.SharedPlatform;
import ai.mint.it.lifecycle.TopicReader;
import ai.mint.platform.EmbeddedPlatform;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateway instances under concurrent load on one worker: every request is answered exactly once, by the instance
 * that received it, and each instance's reply topic holds the replies of its own requests only (so no instance reads
 * another's responses).
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoGatewaysIT {

    private static final int REQUESTS_EACH = 24;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GatewayHarness harness;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new GatewayHarness(platform);
    }

    @AfterAll
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void shouldAnswerEveryRequestExactlyOnceByTheInstanceThatReceivedIt() throws Exception {
        String policy = harness.policy("shared");
        harness.policy(policy, "acme", true);
        Gateway a = harness.gateway("a", Map.of());
        Gateway b = harness.gateway("b", Map.of());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        List<CompletableFuture<HttpResponse<String>>> sentA = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> sentB = new ArrayList<>();
        for (int i = 0; i < REQUESTS_EACH; i++) {
            sentA.add(send(http, a, policy, "a" + i));
            sentB.add(send(http, b, policy, "b" + i));
        }
        Set<String> ids = new HashSet<>();
        for (List<CompletableFuture<HttpResponse<String>>> sent : List.of(sentA, sentB)) {
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.get("choices")).hasSize(1);
                assertThat(ids.add(body.get("id").asText())).isTrue();
            }
        }
        assertThat(ids).hasSize(2 * REQUESTS_EACH);

        List<InferenceResponse> repliesA = replies(a);
        List<InferenceResponse> repliesB = replies(b);
        assertThat(repliesA).allSatisfy(r -> assertThat(r.getRequestId()).startsWith(a.config().gatewayId + "-"));
        assertThat(repliesB).allSatisfy(r -> assertThat(r.getRequestId()).startsWith(b.config().gatewayId + "-"));
        // one reply per request (a redelivered one would repeat an id; HTTP answered each once either way)
        assertThat(repliesA.stream().map(InferenceResponse::getRequestId).distinct()).hasSize(REQUESTS_EACH);
        assertThat(repliesB.stream().map(InferenceResponse::getRequestId).distinct()).hasSize(REQUESTS_EACH);
        assertThat(a.replyTopic()).isNotEqualTo(b.replyTopic());
    }

    private static CompletableFuture<HttpResponse<String>> send(HttpClient http, Gateway gateway, String policy,
                                                               String tag) {
        String body = "{\"model\": \"" + policy + "\", \"prompt\": \"" + tag + "\", \"max_tokens\": 6,"
                + " \"temperature\": 0}";
        return http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.url() + "/completions"))
                .header("Authorization", "Bearer " + GatewayHarness.ACME_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<InferenceResponse> replies(Gateway gateway) {
        return TopicReader.readAll(harness.platform.bootstrapServers(), harness.platform.schemaRegistryUrl(),
                gateway.replyTopic(), InferenceResponse.class, r -> true);
    }
}
