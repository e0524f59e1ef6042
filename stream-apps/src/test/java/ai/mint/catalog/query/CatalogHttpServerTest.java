package ai.mint.catalog.query;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.catalog.CatalogStores;
import ai.mint.catalog.CatalogTestScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API on real HTTP servers over a catalog folded by the real topology. Two servers split the keys between
 * them, so requests for keys the other owns are forwarded and lists are merged.
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

    @BeforeEach
    void start() throws Exception {
        folded = CatalogTestScenarios.sevenPolicies(stateDir);
        var store = folded.driver().driver.<String, ai.mint.events.CatalogEntry>getKeyValueStore(CatalogStores.ENTRIES);
        Predicate<String> evenHash = id -> Math.floorMod(id.hashCode(), 2) == 0;
        ShardedStoreReader readerA = new ShardedStoreReader(store, evenHash);
        ShardedStoreReader readerB = new ShardedStoreReader(store, evenHash.negate());
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

    private record Answer(int status, JsonNode body) {
    }

    private Answer get(CatalogHttpServer server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return new Answer(response.statusCode(), json.readTree(response.body()));
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
    void shouldAnswerRevisionAndHistory() throws Exception {
        String id = folded.policyIds().get(1); // gated: r1 promoted, r2 promoted
        Answer revision = get(a, "/policies/" + id + "/revisions/r1");
        assertThat(revision.status()).isEqualTo(200);
        assertThat(revision.body().path("state").asText()).isEqualTo("RETIRED");
        assertThat(revision.body().path("sha256").asText()).hasSize(64);
        assertThat(revision.body().path("serving").asBoolean()).isFalse();

        Answer history = get(b, "/policies/" + id + "/history");
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.body().path("serving_revision").asText()).isEqualTo("r2");
        assertThat(history.body().path("history").findValuesAsText("to")).containsExactly("r1", "r2");
        assertThat(history.body().path("history").get(0).path("kind").asText()).isEqualTo("PROMOTE");
    }

    @Test
    void shouldAnswerNotFoundForUnknownPolicyRevisionOrPath() throws Exception {
        String id = folded.policyIds().get(0);
        Answer policy = get(a, "/policies/no-such-policy");
        Answer revision = get(a, "/policies/" + id + "/revisions/r99");
        Answer path = get(a, "/nothing-here");

        assertThat(List.of(policy.status(), revision.status(), path.status())).containsOnly(404);
        assertThat(policy.body().path("error").asText()).isEqualTo("not_found");
        assertThat(policy.body().path("message").asText()).isEqualTo("unknown policy no-such-policy");
        assertThat(revision.body().path("message").asText()).isEqualTo("policy " + id + " has no revision r99");
    }

    @Test
    void shouldPageThroughPoliciesOfAllInstancesInIdOrder() throws Exception {
        List<String> expected = folded.policyIds().stream().sorted().toList();
        List<String> seen = new ArrayList<>();
        boolean more = true;
        for (int offset = 0; more; offset += 3) {
            Answer page = get(offset % 2 == 0 ? a : b, "/policies?offset=" + offset + "&limit=3");
            assertThat(page.status()).isEqualTo(200);
            page.body().path("items").forEach(item -> seen.add(item.path("policy_id").asText()));
            more = page.body().path("has_more").asBoolean();
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void shouldRejectBadPagingParameters() throws Exception {
        for (String query : List.of("limit=0", "limit=abc", "offset=-1", "limit=1001", "limit=")) {
            Answer answer = get(a, "/policies?" + query);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.body().path("error").asText()).isEqualTo("bad_request");
        }
        assertThat(get(a, "/policies?limit=abc").body().path("message").asText())
                .isEqualTo("limit must be an integer, got 'abc'");
    }

    @Test
    void shouldAnswerServiceUnavailableWhileStoresAreNotReady() throws Exception {
        try (CatalogHttpServer starting = CatalogHttpServer.start(new StreamsCatalogReader(), "127.0.0.1", 0)) {
            Answer policy = get(starting, "/policies/x");
            Answer list = get(starting, "/policies");
            assertThat(policy.status()).isEqualTo(503);
            assertThat(list.status()).isEqualTo(503);
            assertThat(policy.body().path("error").asText()).isEqualTo("not_ready");
            assertThat(policy.body().path("message").asText()).contains("catalog is starting");
        }
    }

    @Test
    void shouldForwardOnlyOnceWhileOwnershipIsMoving() throws Exception {
        // both instances believe the other owns every key, as during a rebalance
        var store = folded.driver().entries();
        ShardedStoreReader confusedA = new ShardedStoreReader(store, id -> false);
        ShardedStoreReader confusedB = new ShardedStoreReader(store, id -> false);
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
