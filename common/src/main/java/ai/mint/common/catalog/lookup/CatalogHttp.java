package ai.mint.common.catalog.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * GET requests to the catalog's query API. Any instance answers any request (it forwards to the owner), so the client
 * tries the next URL when one is unreachable; a 503 (store restoring, rebalancing) is retried after its Retry-After
 * until the timeout. 404 is an answer (empty), other errors throw {@link CatalogLookupException}. Credentials, when
 * given, go as HTTP basic auth (a catalog on a secured platform asks for them).
 */
final class CatalogHttp {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final List<String> baseUrls;
    private final Duration timeout;
    private final HttpClient http;
    private final String authorization;
    private final ObjectMapper json = new ObjectMapper();
    private volatile int preferred;

    /** @param userInfo {@code USER:PASSWORD} for HTTP basic auth, or null */
    CatalogHttp(List<String> baseUrls, Duration timeout, String userInfo) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no catalog URL given");
        }
        this.baseUrls = baseUrls.stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(timeout.toMillis(), 2000))).build();
        this.authorization = userInfo == null || userInfo.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON answer of {@code pathAndQuery}, or empty when the catalog says 404. */
    Optional<JsonNode> get(String pathAndQuery) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no attempt";
        int attempt = 0;
        while (true) {
            int index = (preferred + attempt) % baseUrls.size();
            String url = baseUrls.get(index) + pathAndQuery;
            Duration wait = Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), 50L << Math.min(attempt, 4)));
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                        .timeout(remaining(deadline)).header("Accept", "application/json").GET();
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    preferred = index;
                    return Optional.of(json.readTree(response.body()));
                }
                if (status == 404) {
                    preferred = index;
                    return Optional.empty();
                }
                if (status == 401 || status == 403) {
                    throw new CatalogLookupException("catalog refused GET " + url + " (" + status + " "
                            + message(response.body()) + "): " + (authorization == null ? "it asks for credentials; "
                            + "give catalog.basic.auth.user.info=USER:PASSWORD in the --kafka-config file or $"
                            + "MINT_CATALOG_USER_INFO" : "check the credentials given"), status, null);
                }
                if (status != 503) {
                    throw new CatalogLookupException("catalog answered " + status + " to GET " + url + ": "
                            + message(response.body()), status, null);
                }
                lastProblem = "503 " + message(response.body());
                wait = response.headers().firstValue("Retry-After").map(CatalogHttp::seconds).orElse(wait);
            } catch (IOException e) {
                lastProblem = "GET " + url + " failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CatalogLookupException("interrupted while asking the catalog " + url, 0, e);
            } catch (IllegalArgumentException e) {
                throw new CatalogLookupException("bad catalog URL " + url + ": " + e.getMessage(), 0, e);
            }
            attempt++;
            if (System.nanoTime() + wait.toNanos() >= deadline) {
                throw new CatalogLookupException("the catalog gave no answer to " + pathAndQuery + " within "
                        + timeout.toMillis() + " ms (" + lastProblem + "); is `mint catalog` running at " + baseUrls
                        + "?", 0, null);
            }
            sleep(wait);
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
        } catch (NumberFormatException e) {
            return MAX_BACKOFF;
        }
    }

    private String message(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node.path("message").asText(body);
        } catch (IOException e) {
            return body;
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogLookupException("interrupted while waiting for the catalog", 0, e);
        }
    }
}
