package ai.mint.catalog.query;

import ai.mint.common.catalog.CatalogApi;
import ai.mint.common.catalog.PolicyFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks another catalog instance over HTTP: a request for a key it owns (its answer is passed back as is), or its own
 * page or count of policies for a merged list. Forwarded requests carry {@link #FORWARDED_HEADER}, so that a request is
 * forwarded at most once even while ownership moves.
 */
public final class Forwarder {

    /** Marks a request one instance sent to another. */
    public static final String FORWARDED_HEADER = "X-Mint-Forwarded-By";

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final HttpClient http;
    private final ObjectMapper json;
    private final String self;
    private final Duration timeout;
    private final String authorization;

    /** @param self this instance's base URL, sent in {@link #FORWARDED_HEADER} */
    public Forwarder(ObjectMapper json, String self, Duration timeout) {
        this(json, self, timeout, null);
    }

    /**
     * @param self     this instance's base URL, sent in {@link #FORWARDED_HEADER}
     * @param userInfo {@code USER:PASSWORD} the other instances ask for (basic auth), or null
     */
    public Forwarder(ObjectMapper json, String self, Duration timeout, String userInfo) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        this.json = json;
        this.self = self;
        this.timeout = timeout;
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** GET {@code baseUrl + pathAndQuery}; an unreachable owner is a 503, since a rebalance may be moving the key. */
    public ApiResponse get(String baseUrl, String pathAndQuery) {
        try {
            HttpResponse<String> response = send(baseUrl + pathAndQuery);
            return new ApiResponse(response.statusCode(), json.readTree(response.body()));
        } catch (IOException e) {
            return ApiResponse.notReady("owner instance " + baseUrl + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiResponse.notReady("interrupted while asking " + baseUrl);
        }
    }

    /** Another instance's own page of policies after {@code after}, or empty if it could not say. */
    public Optional<PolicyPage> localPage(String baseUrl, PolicyFilter filter, String after, int limit) {
        String query = "limit=" + limit + (after == null ? "" : "&" + CatalogApi.AFTER + "="
                + URLEncoder.encode(after, StandardCharsets.UTF_8)) + (filter.isAll() ? "" : "&" + filter.toQuery());
        return internal(baseUrl, "/" + CatalogApi.INTERNAL + "/" + CatalogApi.POLICIES + "?" + query)
                .map(body -> json.convertValue(body, PolicyPage.class));
    }

    /** How many of its policies match, as another instance counts them; empty if it could not say. */
    public OptionalLong localCount(String baseUrl, PolicyFilter filter) {
        return internal(baseUrl, "/" + CatalogApi.INTERNAL + "/" + CatalogApi.COUNT + (filter.isAll() ? "" : "?"
                + filter.toQuery())).map(body -> OptionalLong.of(body.path("count").asLong()))
                .orElse(OptionalLong.empty());
    }

    private Optional<JsonNode> internal(String baseUrl, String pathAndQuery) {
        try {
            HttpResponse<String> response = send(baseUrl + pathAndQuery);
            if (response.statusCode() != 200) {
                LOG.info("instance {} could not answer {}: {} {}", baseUrl, pathAndQuery, response.statusCode(),
                        response.body());
                return Optional.empty();
            }
            return Optional.of(json.readTree(response.body()));
        } catch (IOException | IllegalArgumentException e) {
            LOG.info("instance {} could not answer {}: {}", baseUrl, pathAndQuery, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpResponse<String> send(String url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header(FORWARDED_HEADER, self)
                .header("Accept", "application/json")
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
