package ai.mint.catalog.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks another catalog instance over HTTP: a request for a key it owns (its answer is passed back as is), or its own
 * first policies for a merged list. Forwarded requests carry {@link #FORWARDED_HEADER}, so that a request is
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

    /** @param self this instance's base URL, sent in {@link #FORWARDED_HEADER} */
    public Forwarder(ObjectMapper json, String self, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.json = json;
        this.self = self;
        this.timeout = timeout;
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

    /** The first {@code limit} policies another instance holds, or empty if it could not say. */
    public Optional<List<PolicySummary>> localPage(String baseUrl, int limit) {
        try {
            HttpResponse<String> response = send(baseUrl + "/internal/policies?limit=" + limit);
            if (response.statusCode() != 200) {
                LOG.info("instance {} could not list its policies: {} {}", baseUrl, response.statusCode(), response.body());
                return Optional.empty();
            }
            JsonNode items = json.readTree(response.body()).path("items");
            return Optional.of(json.convertValue(items, new TypeReference<List<PolicySummary>>() { }));
        } catch (IOException | IllegalArgumentException e) {
            LOG.info("instance {} could not list its policies: {}", baseUrl, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpResponse<String> send(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header(FORWARDED_HEADER, self)
                .header("Accept", "application/json")
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
