package ai.mint.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The client against unreachable registries, and its protocol handling against a small HTTP server that answers
 * as the Confluent REST API documents (the real-registry round trips are integration tests).
 */
class HttpSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema THING = SchemaBuilder.record("Thing").namespace("ai.mint.test").fields()
            .requiredString("id").endRecord();

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldReportARefusedConnectionNamingTheUrl() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + deadPort + "/apis/ccompat/v7";
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, Duration.ofSeconds(2));

        assertThatThrownBy(() -> client.register("a-value", THING))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("connection refused")
                .hasMessageContaining("./mint up")
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void shouldGiveUpOnARegistryThatNeverAnswers() throws IOException {
        // the kernel completes the TCP handshake from the backlog; nobody ever reads or answers
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/apis/ccompat/v7";
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, Duration.ofMillis(300));

            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(() -> client.schemaById(1))
                            .isInstanceOf(RegistryUnavailableException.class)
                            .hasMessageContaining(url)
                            .hasMessageContaining("no answer within 300 ms"));
        }
    }

    @Test
    void shouldRegisterOnceAndServeLaterCallsFromTheCache() throws Exception {
        HttpSchemaRegistryClient client = clientOf(exchange -> answer(exchange, 200, "{\"id\":7}"));

        assertThat(client.register("a-value", THING)).isEqualTo(7);
        assertThat(client.register("a-value", THING)).isEqualTo(7);
        assertThat(client.schemaById(7)).isEqualTo(THING);
        assertThat(client.lookup("a-value", THING)).hasValue(7);

        assertThat(requests).containsExactly("POST /apis/ccompat/v7/subjects/a-value/versions");
        assertThat(contentTypes).containsExactly("application/vnd.schemaregistry.v1+json");
        assertThat(new Schema.Parser().parse(JSON.readTree(bodies.get(0)).get("schema").asText())).isEqualTo(THING);
    }

    @Test
    void shouldSendOneRegistrationWhenManyThreadsRegisterTheSameSchemaAtOnce() throws Exception {
        CountDownLatch allWaiting = new CountDownLatch(1);
        HttpSchemaRegistryClient client = clientOf(exchange -> {
            awaitQuietly(allWaiting);
            answer(exchange, 200, "{\"id\":7}");
        });
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ids.add(threads.submit(() -> client.register("a-value", THING)));
            }
            Thread.sleep(300); // every thread has reached the client by now
            allWaiting.countDown();
            for (Future<Integer> id : ids) {
                assertThat(id.get(10, TimeUnit.SECONDS)).isEqualTo(7);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(requests).containsExactly("POST /apis/ccompat/v7/subjects/a-value/versions");
    }

    @Test
    void shouldAskASlowRegistryOnceMoreBeforeReportingItDown() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpSchemaRegistryClient client = clientOf(exchange -> {
            if (calls.incrementAndGet() == 1) {
                sleepQuietly(1_500); // past the client's 1 s timeout
            }
            answer(exchange, 200, "{\"id\":7}");
        }, Duration.ofSeconds(1));

        assertThat(client.register("a-value", THING)).isEqualTo(7);
        assertThat(calls).hasValue(2);
    }

    @Test
    void shouldCarryTheRegistrysReasonWhenItRefusesASchema() throws Exception {
        HttpSchemaRegistryClient client = clientOf(exchange -> answer(exchange, 409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible: field size\"}"));

        assertThatThrownBy(() -> client.register("a-value", THING))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("a-value")
                .hasMessageContaining("incompatible: field size");
    }

    @Test
    void shouldUseARegisteredSchemaWhenTheRegistryRefusesToLetTheCallerRegister() throws Exception {
        HttpSchemaRegistryClient client = clientOf(exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/versions")) {
                answer(exchange, 403, "{\"error_code\":403,\"message\":\"User is not authorized\"}");
            } else if (path.endsWith("/subjects/known-value")) {
                answer(exchange, 200, "{\"subject\":\"known-value\",\"id\":11,\"version\":1}");
            } else {
                answer(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
            }
        });

        assertThat(client.register("known-value", THING)).isEqualTo(11);
        assertThatThrownBy(() -> client.register("new-value", THING))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("new-value")
                .hasMessageContaining("HTTP 403 User is not authorized")
                .hasMessageContaining("ask the platform's admin");
        assertThat(requests).containsExactly("POST /apis/ccompat/v7/subjects/known-value/versions",
                "POST /apis/ccompat/v7/subjects/known-value", "POST /apis/ccompat/v7/subjects/new-value/versions",
                "POST /apis/ccompat/v7/subjects/new-value");
    }

    @Test
    void shouldFetchSchemasByIdAndReportUnknownIds() throws Exception {
        String schemaJson = JSON.createObjectNode().put("schema", THING.toString()).toString();
        HttpSchemaRegistryClient client = clientOf(exchange -> {
            if (exchange.getRequestURI().getPath().endsWith("/schemas/ids/3")) {
                answer(exchange, 200, schemaJson);
            } else {
                answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            }
        });

        assertThat(client.schemaById(3)).isEqualTo(THING);
        assertThat(client.schemaById(3)).isEqualTo(THING);
        assertThatThrownBy(() -> client.schemaById(4))
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining("schema id 4");
        assertThat(requests).containsExactly("GET /apis/ccompat/v7/schemas/ids/3", "GET /apis/ccompat/v7/schemas/ids/4");
    }

    @Test
    void shouldReadLookupsCompatibilityAndSubjects() throws Exception {
        HttpSchemaRegistryClient client = clientOf(exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/subjects")) {
                answer(exchange, 200, "[\"a-value\",\"b-value\"]");
            } else if (path.startsWith("/apis/ccompat/v7/compatibility/subjects/a-value")) {
                answer(exchange, 200, "{\"is_compatible\":false,\"messages\":[\"size has no default\"]}");
            } else if (path.endsWith("/subjects/a-value")) {
                answer(exchange, 200, "{\"subject\":\"a-value\",\"id\":5,\"version\":1}");
            } else {
                answer(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
            }
        });

        assertThat(client.subjects()).containsExactly("a-value", "b-value");
        assertThat(client.checkCompatibility("a-value", THING))
                .isEqualTo(new CompatibilityResult(false, List.of("size has no default")));
        assertThat(client.checkCompatibility("new-value", THING).compatible()).isTrue();
        assertThat(client.lookup("a-value", THING)).hasValue(5);
        assertThat(client.lookup("c-value", THING)).isEmpty();
    }

    @Test
    void shouldReportServerErrorsAsUnavailableSoCallersRetry() throws Exception {
        HttpSchemaRegistryClient client = clientOf(exchange -> answer(exchange, 503,
                "{\"error_code\":50301,\"message\":\"storage failure\"}"));

        assertThatThrownBy(() -> client.subjects())
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("HTTP 503 storage failure")
                .hasMessageContaining("GET " + client.baseUrl() + "/subjects");
    }

    @Test
    void shouldReportOtherRegistryErrorsWithTheStatusAsNotRetriable() throws Exception {
        HttpSchemaRegistryClient client = clientOf(exchange -> answer(exchange, 422,
                "{\"error_code\":42201,\"message\":\"invalid schema\"}"));

        assertThatThrownBy(() -> client.subjects())
                .isInstanceOf(SchemaRegistryException.class)
                .isNotInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("HTTP 422 invalid schema")
                .hasMessageContaining("GET " + client.baseUrl() + "/subjects");
    }

    @Test
    void shouldSendCredentialsAsBasicAuthAndKeepThemOutOfTheUrl() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        clientOf(exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            answer(exchange, 200, "[]");
        });
        String port = Integer.toString(server.getAddress().getPort());
        HttpSchemaRegistryClient explicit = new HttpSchemaRegistryClient("http://127.0.0.1:" + port
                + "/apis/ccompat/v7", "reader:s%cret", Duration.ofSeconds(5));
        HttpSchemaRegistryClient inUrl = new HttpSchemaRegistryClient("http://writer:p%40ss@127.0.0.1:" + port
                + "/apis/ccompat/v7", null, Duration.ofSeconds(5));
        HttpSchemaRegistryClient anonymous = new HttpSchemaRegistryClient("http://127.0.0.1:" + port
                + "/apis/ccompat/v7", Duration.ofSeconds(5));

        explicit.subjects();
        inUrl.subjects();
        anonymous.subjects();

        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        assertThat(authorizations).containsExactly(
                "Basic " + base64.encodeToString("reader:s%cret".getBytes(StandardCharsets.UTF_8)),
                "Basic " + base64.encodeToString("writer:p@ss".getBytes(StandardCharsets.UTF_8)),
                "null");
        assertThat(inUrl.baseUrl()).isEqualTo("http://127.0.0.1:" + port + "/apis/ccompat/v7").doesNotContain("p%40ss");
        assertThat(explicit.authenticates()).isTrue();
        assertThat(anonymous.authenticates()).isFalse();
    }

    @Test
    void shouldRejectAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost:8081");
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private HttpSchemaRegistryClient clientOf(Handler handler) throws IOException {
        return clientOf(handler, Duration.ofSeconds(5));
    }

    private HttpSchemaRegistryClient clientOf(Handler handler, Duration timeout) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                contentTypes.add(type);
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (body.length > 0) {
                bodies.add(new String(body, StandardCharsets.UTF_8));
            }
            handler.handle(exchange);
        });
        server.start();
        return new HttpSchemaRegistryClient("http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/",
                timeout);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
