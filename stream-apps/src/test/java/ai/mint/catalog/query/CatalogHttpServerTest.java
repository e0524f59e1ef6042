package ai.mint.catalog.query;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.catalog.CatalogDriver;
import ai.mint.catalog.CatalogTestScenarios;
import ai.mint.common.catalog.CatalogKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API on real HTTP servers over a catalog folded by the real topology. Two servers split the keys between
 * them, so requests for keys the other owns are forwarded and lists and counts are merged.
 */
class CatalogHttpServerTest {

    @TempDir
    Path stateDir;
    private CatalogTestScenarios.Folded folded;
    private CatalogHttpServer a;
    private CatalogHttpServer b;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> ownedByA = new ArrayList<>();
    private final List<String> ownedByB = new ArrayList<>();

    static ShardedStoreReader reader(CatalogDriver driver, Predicate<String> owns) {
        return new ShardedStoreReader(driver.entries(), driver.revisions(), driver.history(), owns);
    }

    @BeforeEach
    void start() throws Exception {
        folded = CatalogTestScenarios.sevenPolicies(stateDir);
        Predicate<String> evenHash = id -> Math.floorMod(id.hashCode(), 2) == 0;
        ShardedStoreReader readerA = reader(folded.driver(), evenHash);
        ShardedStoreReader readerB = reader(folded.driver(), evenHash.negate());
        a = CatalogHttpServer.start(readerA, "127.0.0.1", 0);
        b = CatalogHttpServer.start(readerB, "127.0.0.1", 0);
        readerA.otherInstance = "http://127.0.0.1:" + b.port();
        readerB.otherInstance = "http://127.0.0.1:" + a.port();
        folded.policyIds().forEach(id -> (evenHash.test(id) ? ownedByA : ownedByB).add(id));
        assertThat(ownedByA).isNotEmpty();
        assertThat(ownedByB).isNotEmpty();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        folded.driver().close();
    }

    @Test
    void shouldAskForCredentialsWhenGivenSomeAndForwardThemToTheOtherInstance() throws Exception {
        Predicate<String> evenHash = id -> Math.floorMod(id.hashCode(), 2) == 0;
        ShardedStoreReader readerA = reader(folded.driver(), evenHash);
        ShardedStoreReader readerB = reader(folded.driver(), evenHash.negate());
        String secret = "admin:s3cret";
        try (CatalogHttpServer x = CatalogHttpServer.start(readerA, "127.0.0.1", 0, Duration.ofSeconds(5), secret);
             CatalogHttpServer y = CatalogHttpServer.start(readerB, "127.0.0.1", 0, Duration.ofSeconds(5), secret)) {
            readerA.otherInstance = "http://127.0.0.1:" + y.port();
            readerB.otherInstance = "http://127.0.0.1:" + x.port();
            String path = "/policies/" + ownedByB.get(0);

            assertThat(send(x, path, null).statusCode()).isEqualTo(401);
            assertThat(send(x, path, "admin:wrong").statusCode()).isEqualTo(401);
            assertThat(send(x, path, secret).statusCode()).as("forwarded to its owner, with the credentials")
                    .isEqualTo(200);
            // a count merges both instances' own counts: the other one must have let the forwarded request in
            assertThat(json.readTree(send(x, "/policies:count", secret).body()).path("count").asLong()).isEqualTo(7);
            // the unauthenticated pair answers anyone, as before
            assertThat(get(a, path).status()).isEqualTo(200);
        }
    }

    private HttpResponse<String> send(CatalogHttpServer server, String path, String userInfo) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (userInfo != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Answer get(CatalogHttpServer server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return new Answer(response.statusCode(), json.readTree(response.body()), response);
    }

    /** Every policy id a paged listing returns, following next_cursor from server to server. */
    private List<String> pageThrough(String query, int limit) throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int round = 0; round < 100; round++) {
            String path = "/policies?limit=" + limit + (query.isEmpty() ? "" : "&" + query)
                    + (cursor == null ? "" : "&after=" + cursor);
            Answer page = get(round % 2 == 0 ? a : b, path);
            assertThat(page.status()).as(path).isEqualTo(200);
            page.body().path("items").forEach(item -> seen.add(item.path("policy_id").asText()));
            if (!page.body().path("has_more").asBoolean()) {
                assertThat(page.body().path("next_cursor").isNull()).isTrue();
                return seen;
            }
            cursor = page.body().path("next_cursor").asText();
        }
        throw new AssertionError("paging did not end");
    }

    @Test
    void shouldAnswerPolicyFromEitherInstance() throws Exception {
        String remoteKey = ownedByB.get(0);
        Answer viaA = get(a, "/policies/" + remoteKey);
        Answer viaB = get(b, "/policies/" + remoteKey);

        assertThat(viaA.status()).isEqualTo(200);
        assertThat(viaA.body()).isEqualTo(viaB.body());
        // through text, as a client sees it, so that number node types do not matter
        JsonNode stored = json.readTree(json.writeValueAsString(AvroJson.toJson(folded.driver().entries().get(remoteKey))));
        assertThat(viaA.body()).isEqualTo(stored);
        assertThat(viaA.body().path("policy_id").asText()).isEqualTo(remoteKey);
    }

    @Test
    void shouldAnswerRevisionAndPagedRevisionsAndHistory() throws Exception {
        String id = folded.policyIds().get(1); // gated: r1 promoted, r2 promoted
        Answer revision = get(a, "/policies/" + id + "/revisions/r1");
        assertThat(revision.status()).isEqualTo(200);
        assertThat(revision.body().path("policy_id").asText()).isEqualTo(id);
        assertThat(revision.body().path("revision").path("state").asText()).isEqualTo("RETIRED");
        assertThat(revision.body().path("revision").path("served").asBoolean()).isTrue();
        assertThat(revision.body().path("revision").path("sha256").asText()).hasSize(64);
        JsonNode stored = json.readTree(json.writeValueAsString(AvroJson.toJson(
                folded.driver().revisions().get(CatalogKeys.revisionKey(id, "r1")))));
        assertThat(revision.body()).isEqualTo(stored);

        Answer first = get(b, "/policies/" + id + "/revisions?limit=1");
        assertThat(first.body().path("items").findValuesAsText("revision")).hasSize(1);
        assertThat(first.body().path("items").get(0).path("revision").path("revision").asText()).isEqualTo("r1");
        assertThat(first.body().path("has_more").asBoolean()).isTrue();
        Answer second = get(a, "/policies/" + id + "/revisions?limit=1&after=" + first.body().path("next_cursor").asText());
        assertThat(second.body().path("items").get(0).path("revision").path("revision").asText()).isEqualTo("r2");
        assertThat(second.body().path("has_more").asBoolean()).isFalse();

        Answer history = get(b, "/policies/" + id + "/history");
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.body().path("items").findValuesAsText("to")).containsExactly("r1", "r2");
        assertThat(history.body().path("items").findValuesAsText("sequence")).containsExactly("1", "2");
        Answer afterFirst = get(a, "/policies/" + id + "/history?after=1");
        assertThat(afterFirst.body().path("items").findValuesAsText("to")).containsExactly("r2");
    }

    @Test
    void shouldAnswerNotFoundForUnknownPolicyRevisionOrPath() throws Exception {
        String id = folded.policyIds().get(0);
        Answer policy = get(a, "/policies/no-such-policy");
        Answer revision = get(a, "/policies/" + id + "/revisions/r99");
        Answer revisions = get(b, "/policies/no-such-policy/revisions");
        Answer path = get(a, "/nothing-here");

        assertThat(List.of(policy.status(), revision.status(), revisions.status(), path.status())).containsOnly(404);
        assertThat(policy.body().path("error").asText()).isEqualTo("not_found");
        assertThat(policy.body().path("message").asText()).isEqualTo("unknown policy no-such-policy");
        assertThat(revision.body().path("message").asText()).isEqualTo("policy " + id + " has no revision r99");
    }

    @Test
    void shouldPageThroughPoliciesOfAllInstancesInIdOrderExactlyOnce() throws Exception {
        List<String> expected = folded.policyIds().stream().sorted().toList();
        for (int limit : new int[] {1, 2, 3, 7, 50}) {
            assertThat(pageThrough("", limit)).as("limit " + limit).isEqualTo(expected);
        }
    }

    @Test
    void shouldFilterAndCountByLabelStatusAndBaseModel() throws Exception {
        List<String> acme = folded.policyIds().subList(0, 3);
        assertThat(pageThrough("label=tenant:acme", 2)).isEqualTo(acme);
        assertThat(pageThrough("label=tenant:globex&status=ACTIVE", 2)).isEqualTo(folded.policyIds().subList(3, 7));
        assertThat(pageThrough("base_model=other-base", 2)).isEmpty();
        assertThat(get(b, "/policies:count?label=tenant:acme").body().path("count").asLong()).isEqualTo(3);
        assertThat(get(a, "/policies:count").body().path("count").asLong()).isEqualTo(7);
        assertThat(get(a, "/policies:count?status=STOPPED").body().path("count").asLong()).isZero();
    }

    @Test
    void shouldRejectBadPagingParametersNamingTheAllowedRange() throws Exception {
        for (String query : List.of("limit=0", "limit=abc", "offset=10", "limit=1001", "limit=", "after=",
                "after=" + "x".repeat(513), "label=tenant", "status=SLEEPING", "limit=5&limit=6")) {
            Answer answer = get(a, "/policies?" + query);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.body().path("error").asText()).isEqualTo("bad_request");
        }
        assertThat(get(a, "/policies?limit=1001").body().path("message").asText())
                .isEqualTo("limit must be in 1..1000, got 1001");
        assertThat(get(a, "/policies?after=").body().path("message").asText())
                .isEqualTo("after must be 1..512 bytes (the next_cursor of the previous page), got 0");
        assertThat(get(a, "/policies/" + folded.policyIds().get(1) + "/history?after=-1").status()).isEqualTo(400);
    }

    @Test
    void shouldAnswerServiceUnavailableWithRetryAfterWhileStoresAreNotReady() throws Exception {
        try (CatalogHttpServer starting = CatalogHttpServer.start(new StreamsCatalogReader(), "127.0.0.1", 0)) {
            Answer policy = get(starting, "/policies/x");
            Answer list = get(starting, "/policies");
            Answer revisions = get(starting, "/policies/x/revisions");
            assertThat(List.of(policy.status(), list.status(), revisions.status())).containsOnly(503);
            assertThat(policy.raw().headers().firstValue("Retry-After")).contains("1");
            assertThat(policy.body().path("error").asText()).isEqualTo("not_ready");
            assertThat(policy.body().path("message").asText()).contains("catalog is starting");
        }
    }

    @Test
    void shouldForwardOnlyOnceWhileOwnershipIsMoving() throws Exception {
        // both instances believe the other owns every key, as during a rebalance
        ShardedStoreReader confusedA = reader(folded.driver(), id -> false);
        ShardedStoreReader confusedB = reader(folded.driver(), id -> false);
        try (CatalogHttpServer x = CatalogHttpServer.start(confusedA, "127.0.0.1", 0);
             CatalogHttpServer y = CatalogHttpServer.start(confusedB, "127.0.0.1", 0)) {
            confusedA.otherInstance = "http://127.0.0.1:" + y.port();
            confusedB.otherInstance = "http://127.0.0.1:" + x.port();
            Answer answer = get(x, "/policies/" + folded.policyIds().get(0));
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.body().path("message").asText()).contains("moving between instances");
        }
    }
}
