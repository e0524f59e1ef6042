package ai.mint.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import ai.mint.common.metrics.PrometheusText;
import ai.mint.events.FeedbackExample;
import ai.mint.events.InferenceRequest;
import ai.mint.gateway.Gateway;
import ai.mint.it.SharedPlatform;
import ai.mint.it.lifecycle.TopicReader;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAI-compatible gateway driven by the official OpenAI Java SDK against the real broker, registry, catalog and
 * an inference worker: completions and chat, whole and streamed (at temperature 0 the stream adds up to the whole
 * answer), the revision that answered in the model field and a header, tenants seeing only their own policies, every
 * kind of bad input answered with OpenAI's error shape and the right status without anything reaching the topics,
 * a stalled client not holding up others, and /metrics as valid Prometheus text whose per-policy counters match the
 * requests sent.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private GatewayHarness harness;
    private Gateway gateway;
    private OpenAIClient acme;
    private String alpha;
    private String beta;
    private String globex;
    private String unserved;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new GatewayHarness(platform);
        alpha = harness.policy("alpha");
        beta = harness.policy("beta");
        globex = harness.policy("globex");
        unserved = harness.policy("unserved");
        harness.policy(alpha, "acme", true);
        harness.policy(beta, "acme", true);
        harness.policy(globex, "globex", true);
        harness.policy(unserved, "acme", false);
        gateway = harness.gateway("main", Map.of());
        acme = client(GatewayHarness.ACME_KEY);
    }

    @AfterAll
    void stop() throws Exception {
        harness.close();
    }

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.url()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    private static CompletionCreateParams completion(String model) {
        return CompletionCreateParams.builder().model(model).prompt("Hello, ").maxTokens(12).temperature(0.0).build();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say something").maxCompletionTokens(10)
                .temperature(0.0).build();
    }

    @Test
    void shouldStreamCompletionsThatAddUpToTheWholeAnswerAtTemperatureZero() {
        HttpResponseFor<Completion> raw = acme.completions().withRawResponse().create(completion(alpha));
        Completion whole = raw.parse();

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = acme.completions().createStreaming(completion(alpha))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> streamed.append(c.text())));
        }

        assertThat(whole.choices()).hasSize(1);
        String text = whole.choices().get(0).text();
        assertThat(text).isNotEmpty();
        assertThat(streamed.toString()).isEqualTo(text);
        assertThat(whole.model()).isEqualTo(alpha + "@rev-1");
        assertThat(raw.headers().values("X-Mint-Revision")).containsExactly("rev-1");
        var usage = whole.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo("Hello, ".getBytes(StandardCharsets.UTF_8).length);
        assertThat(usage.completionTokens()).isBetween(1L, 12L);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    /** Issue 12: the worker's tokens come as they are made, several chunks per completion, not one at the end. */
    @Test
    void shouldStreamALongCompletionInSeveralChunksThatAddUpToTheWholeAnswer() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(alpha).prompt("Once upon a time")
                .maxTokens(24).temperature(0.0).build();
        Completion whole = acme.completions().create(params);

        List<String> pieces = new java.util.ArrayList<>();
        long started = System.nanoTime();
        long firstText = 0;
        try (StreamResponse<Completion> stream = acme.completions().createStreaming(params)) {
            for (Completion chunk : (Iterable<Completion>) stream.stream()::iterator) {
                for (var c : chunk.choices()) {
                    if (!c.text().isEmpty()) {
                        if (pieces.isEmpty()) {
                            firstText = System.nanoTime();
                        }
                        pieces.add(c.text());
                    }
                }
            }
        }
        long ended = System.nanoTime();

        assertThat(whole.usage().orElseThrow().completionTokens()).isGreaterThanOrEqualTo(16);
        assertThat(String.join("", pieces)).isEqualTo(whole.choices().get(0).text());
        assertThat(pieces).hasSizeGreaterThan(1); // 4 tokens per worker chunk
        System.out.printf("GatewayIT streaming: %d tokens in %d text chunks, first text after %.1f ms, whole answer"
                        + " after %.1f ms%n", whole.usage().orElseThrow().completionTokens(), pieces.size(),
                (firstText - started) / 1e6, (ended - started) / 1e6);
    }

    /** With n > 1 every choice streams under its own index and adds up to its own whole answer. */
    @Test
    void shouldStreamEveryChoiceUnderItsOwnIndex() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(alpha).prompt("The dog")
                .maxTokens(16).temperature(1.0).n(3).seed(11).build();
        Completion whole = acme.completions().create(params);

        Map<Long, StringBuilder> streamed = new java.util.TreeMap<>();
        try (StreamResponse<Completion> stream = acme.completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> streamed
                    .computeIfAbsent(c.index(), i -> new StringBuilder()).append(c.text())));
        }

        assertThat(streamed.keySet()).containsExactly(0L, 1L, 2L);
        for (var choice : whole.choices()) {
            assertThat(streamed.get(choice.index()).toString()).isEqualTo(choice.text());
        }
    }

    @Test
    void shouldStreamChatThatAddsUpToTheWholeAnswerAtTemperatureZero() {
        ChatCompletion whole = acme.chat().completions().create(chat(beta));

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = acme.chat().completions().createStreaming(chat(beta))) {
            stream.stream().forEach(chunk -> chunk.choices()
                    .forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }

        String text = whole.choices().get(0).message().content().orElseThrow();
        assertThat(text).isNotEmpty();
        assertThat(streamed.toString()).isEqualTo(text);
        assertThat(whole.model()).isEqualTo(beta + "@rev-1");
        assertThat(whole.usage().orElseThrow().completionTokens()).isPositive();
    }

    @Test
    void shouldAnswerNChoicesWithTheirLogprobsAndPinnedRevisions() {
        Completion c = acme.completions().create(CompletionCreateParams.builder().model(alpha + "@rev-1")
                .prompt("abc").maxTokens(6).temperature(1.0).n(3).seed(7).logprobs(0).build());

        assertThat(c.choices()).extracting(ch -> (int) ch.index()).containsExactly(0, 1, 2);
        for (var choice : c.choices()) {
            var logprobs = choice.logprobs().orElseThrow();
            assertThat(String.join("", logprobs.tokens().orElseThrow())).isEqualTo(choice.text());
            assertThat(logprobs.tokenLogprobs().orElseThrow()).allSatisfy(lp -> assertThat(lp).isLessThanOrEqualTo(0));
        }
        // seed + i per choice: a repeat gives the same three completions
        Completion again = acme.completions().create(CompletionCreateParams.builder().model(alpha + "@rev-1")
                .prompt("abc").maxTokens(6).temperature(1.0).n(3).seed(7).logprobs(0).build());
        assertThat(again.choices()).extracting(ch -> ch.text())
                .containsExactlyElementsOf(c.choices().stream().map(ch -> ch.text()).toList());
    }

    @Test
    void shouldTurnFeedbackOnAChoiceIntoATrainingExampleWithTheServingRevisionsTokensAndLogProbs() throws Exception {
        Completion c = acme.completions().create(CompletionCreateParams.builder().model(beta).prompt("Tell me")
                .maxTokens(5).temperature(1.0).n(2).seed(5).logprobs(0).build());
        String body = "{\"id\": \"" + c.id() + "\", \"model\": \"" + beta + "\", \"choice\": 1, \"rating\": "
                + "\"up\", \"preferred_completion\": \"Gladly.\"}";

        HttpResponse<String> accepted = post(gateway.url(), "/feedback", GatewayHarness.ACME_KEY, body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).get("id").asText()).isEqualTo(c.id());
        assertThat(JSON.readTree(accepted.body()).get("status").asText()).isEqualTo("accepted");
        // another tenant's policy is not found, a score out of range names the field; neither is published
        HttpResponse<String> foreign = post(gateway.url(), "/feedback", GatewayHarness.ACME_KEY,
                "{\"id\": \"" + c.id() + "\", \"model\": \"" + globex + "\", \"score\": 1}");
        assertThat(foreign.statusCode()).isEqualTo(404);
        HttpResponse<String> outOfRange = post(gateway.url(), "/feedback", GatewayHarness.ACME_KEY,
                "{\"id\": \"" + c.id() + "\", \"model\": \"" + beta + "\", \"score\": 2}");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(outOfRange.body()).path("error").path("param").asText()).isEqualTo("score");

        FeedbackExample example = awaitExample(beta);
        var choice = c.choices().get(1);
        List<Double> served = choice.logprobs().orElseThrow().tokenLogprobs().orElseThrow();
        assertThat(example.getRequestId()).endsWith("-1");
        assertThat(example.getRevision()).isEqualTo("rev-1");
        assertThat(example.getReward()).isEqualTo(1.0);
        assertThat(example.getPreferredCompletion()).isEqualTo("Gladly.");
        assertThat(example.getPromptTokens()).isNotEmpty();
        assertThat(example.getCompletionTokens()).hasSameSizeAs(served);
        assertThat(example.getLogprobs()).hasSameSizeAs(served);
        for (int i = 0; i < served.size(); i++) {
            assertThat((double) example.getLogprobs().get(i)).isCloseTo(served.get(i), within(1e-6));
        }
    }

    private FeedbackExample awaitExample(String policy) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            List<FeedbackExample> examples = TopicReader.readAll(harness.platform.bootstrapServers(),
                    harness.platform.schemaRegistryUrl(), Topics.FEEDBACK_EXAMPLES.name(), FeedbackExample.class,
                    e -> e.getPolicyId().equals(policy));
            if (!examples.isEmpty()) {
                assertThat(examples).hasSize(1);
                return examples.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no FeedbackExample of " + policy + " within 90 s");
            }
            Thread.sleep(500);
        }
    }

    @Test
    void shouldListOnlyTheTenantsPoliciesPageByPage() throws Exception {
        List<String> acmeModels = acme.models().list().data().stream().map(Model::id)
                .filter(id -> id.startsWith(harness.policy(""))).toList();
        assertThat(acmeModels).containsExactlyInAnyOrder(alpha, beta, unserved);
        assertThat(acme.models().retrieve(alpha).ownedBy()).isEqualTo("acme");

        List<String> globexModels = client(GatewayHarness.GLOBEX_KEY).models().list().data().stream().map(Model::id)
                .filter(id -> id.startsWith(harness.policy(""))).toList();
        assertThat(globexModels).containsExactly(globex);

        // paging: one model per page, following last_id, walks the same list
        String after = harness.policy("");
        List<String> paged = new java.util.ArrayList<>();
        for (int page = 0; page < 10; page++) {
            JsonNode body = get("/v1/models?limit=1&after=" + after, GatewayHarness.ACME_KEY);
            if (body.get("data").isEmpty()) {
                break;
            }
            after = body.get("last_id").asText();
            if (after.startsWith(harness.policy(""))) {
                paged.add(after);
            }
            if (!body.get("has_more").asBoolean()) {
                break;
            }
        }
        assertThat(paged).containsExactlyElementsOf(acmeModels.stream().sorted().toList());
        JsonNode served = get("/v1/models/" + alpha, GatewayHarness.ACME_KEY);
        assertThat(served.get("serving_revision").asText()).isEqualTo("rev-1");
    }

    @Test
    void shouldAnswerEveryKindOfBadInputWithOpenAiErrorsAndSendNothingToTheTopics() throws Exception {
        Gateway checks = harness.gateway("checks", Map.of());
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(checks.url()).apiKey(GatewayHarness.ACME_KEY)
                .maxRetries(0).build();
        String url = checks.url();

        assertError(catchThrowableOfType(UnauthorizedException.class, () -> OpenAIOkHttpClient.builder().baseUrl(url)
                .apiKey("sk-wrong").maxRetries(0).build().completions().create(completion(alpha))), 401,
                "invalid_api_key");
        assertError(catchThrowableOfType(UnauthorizedException.class, () -> OpenAIOkHttpClient.builder().baseUrl(url)
                .apiKey(GatewayHarness.EXPIRED_KEY).maxRetries(0).build().completions().create(completion(alpha))),
                401, "invalid_api_key");
        assertThat(post(url, "/completions", null, "{\"model\":\"" + alpha + "\",\"prompt\":\"x\"}").statusCode())
                .isEqualTo(401);
        assertError(catchThrowableOfType(NotFoundException.class, () -> sdk.completions()
                .create(completion(harness.policy("nope")))), 404, "model_not_found");
        assertError(catchThrowableOfType(NotFoundException.class, () -> sdk.chat().completions()
                .create(chat(globex))), 404, "model_not_found"); // another tenant's policy does not exist for acme
        assertError(catchThrowableOfType(NotFoundException.class, () -> sdk.completions()
                .create(completion(alpha + "@rev-9"))), 404, "model_not_found");
        assertError(catchThrowableOfType(InternalServerException.class, () -> sdk.completions()
                .create(completion(unserved))), 503, "no_serving_revision");
        assertError(catchThrowableOfType(BadRequestException.class, () -> sdk.completions()
                .create(CompletionCreateParams.builder().model(alpha).prompt("x").maxTokens(100_000).build())),
                400, null);
        assertError(catchThrowableOfType(BadRequestException.class, () -> sdk.completions()
                .create(CompletionCreateParams.builder().model(alpha).prompt("x").n(99).build())), 400, null);

        for (String[] bad : new String[][]{
                {"{\"model\": \"" + alpha + "\", \"prompt\": \"x\"", null},
                {"{\"model\": \"" + alpha + "\", \"prompt\": \"x\", \"temperature\": \"hot\"}", "temperature"},
                {"{\"model\": \"" + alpha + "\", \"prompt\": \"x\", \"max_tokens\": -1}", "max_tokens"},
                {"{\"model\": \"" + alpha + "\", \"prompt\": \"x\", \"stop\": [1]}", "stop"},
                {"{\"model\": \"" + alpha + "\", \"prompt\": \"x\", \"bogus\": 1}", "bogus"},
                {"not json at all", null}}) {
            HttpResponse<String> r = post(url, "/completions", GatewayHarness.ACME_KEY, bad[0]);
            assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").isNull() ? null : error.get("param").asText()).as(bad[0]).isEqualTo(bad[1]);
            assertThat(error.get("message").asText()).isNotBlank();
        }
        HttpResponse<String> huge = post(url, "/completions", GatewayHarness.ACME_KEY,
                "{\"model\": \"" + alpha + "\", \"prompt\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(huge.body()).path("error").path("message").asText()).isNotBlank();
        HttpResponse<String> nowhere = post(url, "/nowhere", GatewayHarness.ACME_KEY, "{}");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(nowhere.body()).path("error").path("type").asText()).isEqualTo("not_found_error");

        // the gateway is still up, and not one of those requests reached the inference topic
        assertThat(sdk.completions().create(completion(alpha)).choices()).hasSize(1);
        String prefix = checks.config().gatewayId + "-";
        List<InferenceRequest> sent = TopicReader.readAll(harness.platform.bootstrapServers(),
                harness.platform.schemaRegistryUrl(), Topics.INFERENCE_REQUESTS.name(), InferenceRequest.class,
                q -> q.getRequestId().startsWith(prefix));
        assertThat(sent).hasSize(1);
    }

    @Test
    void shouldRefuseAPromptPastTheContextLengthAsABadRequestFromTheWorker() {
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> acme.completions()
                .create(CompletionCreateParams.builder().model(alpha).prompt("y".repeat(600)).maxTokens(8).build()));
        assertError(e, 400, "context_length_exceeded");
        assertThat(e.getMessage()).contains("positions");
        assertThat(acme.completions().create(completion(alpha)).choices()).hasSize(1);
    }

    @Test
    void shouldAnswerOthersWhileAClientStallsMidRequestAndAnotherNeverReadsItsStream() throws Exception {
        URI base = URI.create(gateway.url());
        try (Socket stalled = new Socket(base.getHost(), base.getPort());
             Socket unread = new Socket(base.getHost(), base.getPort())) {
            // headers promise 1000 bytes of body, only a few arrive
            OutputStream out = stalled.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayHarness.ACME_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\":")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String body = "{\"model\":\"" + alpha + "\",\"prompt\":\"z\",\"max_tokens\":64,\"n\":4,\"stream\":true}";
            unread.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + GatewayHarness.ACME_KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            unread.getOutputStream().flush();

            for (int i = 0; i < 3; i++) {
                assertThat(acme.chat().completions().create(chat(beta)).choices()).hasSize(1);
            }
            // the unread stream was answered all along; reading it now finds it whole
            unread.setSoTimeout(30_000);
            InputStream in = unread.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (!answer.toString().contains("data: [DONE]")) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                answer.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 200").contains("data: [DONE]");
        }
    }

    @Test
    void shouldServeValidPrometheusTextWhosePerPolicyCountersMatchTheRequestsSent() throws Exception {
        Gateway counted = harness.gateway("metrics", Map.of());
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(counted.url()).apiKey(GatewayHarness.ACME_KEY)
                .maxRetries(0).build();
        for (int i = 0; i < 3; i++) {
            sdk.completions().create(completion(alpha));
        }
        for (int i = 0; i < 2; i++) {
            sdk.chat().completions().create(chat(beta));
        }
        try (StreamResponse<Completion> s = sdk.completions().createStreaming(completion(beta))) {
            s.stream().forEach(c -> { });
        }
        catchThrowableOfType(NotFoundException.class, () -> sdk.completions().create(completion(harness.policy("x"))));

        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(URI.create(counted.metricsUrl())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        PrometheusText text = PrometheusText.parse(scrape.body());
        String requests = "mint_gateway_requests_total";
        assertThat(text.sum(requests, Map.of("policy", alpha, "endpoint", "completions", "status", "200")))
                .isEqualTo(3);
        assertThat(text.sum(requests, Map.of("policy", beta, "endpoint", "chat_completions", "status", "200")))
                .isEqualTo(2);
        assertThat(text.sum(requests, Map.of("policy", beta, "endpoint", "completions", "status", "200")))
                .isEqualTo(1);
        assertThat(text.sum(requests, Map.of("policy", "none", "status", "404"))).isEqualTo(1);
        assertThat(text.type("mint_gateway_request_duration_seconds")).isEqualTo("histogram");
        assertThat(text.sum("mint_gateway_request_duration_seconds_count", Map.of("policy", alpha))).isEqualTo(3);
        assertThat(text.sum("mint_gateway_time_to_first_token_seconds_count", Map.of("policy", beta))).isEqualTo(1);
        assertThat(text.sum("mint_gateway_tokens_total", Map.of("policy", alpha, "kind", "completion")))
                .isPositive();
        assertThat(text.samples()).anySatisfy(s -> assertThat(s.name()).startsWith("kafka_consumer_"));
        assertThat(text.samples()).allSatisfy(s -> assertThat(s.labels().get("service")).isEqualTo("gateway"));
    }

    private JsonNode get(String path, String key) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url().replace("/v1", "") + path))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String url, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(OpenAIServiceException e, int status, String code) {
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.code().orElse(null)).isEqualTo(code);
    }
}
