package ai.mint.gateway.catalog;

import ai.mint.gateway.openai.ApiError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's reader of the catalog's HTTP query API ({@code /policies}, {@code /policies/{id}},
 * {@code /policies/{id}/revisions/{rev}}). It reads only the fields it needs and ignores the rest, so a catalog that
 * adds fields does not break it. Policy lookups are cached for a short time (bounded in size), so a burst of requests
 * to one policy costs one query. A catalog that is down or not ready is a 503 for the request.
 */
public final class CatalogClient {

    /** Most policies remembered. */
    static final int CACHE_ENTRIES = 10_000;

    private final String baseUrl;
    private final Duration timeout;
    private final long cacheNanos;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private record Cached(Optional<PolicyView> view, long at) {
    }

    /**
     * One entry of a page of the policy list.
     *
     * @param policyId        the policy
     * @param servingRevision its serving revision, or null
     * @param updatedAt       when its entry last changed, epoch seconds
     */
    public record Summary(String policyId, String servingRevision, long updatedAt) {
    }

    /**
     * A page of the policy list, in policy-id order.
     *
     * @param items   the page
     * @param hasMore whether another page follows
     */
    public record Page(List<Summary> items, boolean hasMore) {
    }

    public CatalogClient(String baseUrl, Duration timeout, Duration cacheFor) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.cacheNanos = cacheFor.toNanos();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The policy, or empty when the catalog does not know it (cached for the cache time either way). */
    public Optional<PolicyView> policy(String policyId) {
        long now = System.nanoTime();
        synchronized (cache) {
            Cached hit = cache.get(policyId);
            if (hit != null && now - hit.at() < cacheNanos) {
                return hit.view();
            }
        }
        Optional<JsonNode> body = get("/policies/" + encode(policyId));
        Optional<PolicyView> view = body.map(CatalogClient::view);
        synchronized (cache) {
            cache.put(policyId, new Cached(view, now));
        }
        return view;
    }

    /** Whether the policy has the revision, and whether it is exported (servable); empty when it has none. */
    public Optional<Boolean> revisionExported(String policyId, String revision) {
        return get("/policies/" + encode(policyId) + "/revisions/" + encode(revision))
                .map(r -> r.hasNonNull("adapter_uri"));
    }

    /** A page of the policy list. */
    public Page page(int offset, int limit) {
        JsonNode body = get("/policies?offset=" + offset + "&limit=" + limit).orElseThrow(() ->
                ApiError.unavailable("catalog_unavailable", "the catalog at " + baseUrl + " has no /policies"));
        List<Summary> items = new ArrayList<>();
        for (JsonNode item : body.path("items")) {
            items.add(new Summary(item.path("policy_id").asText(), textOrNull(item, "serving_revision"),
                    epochSeconds(item.path("updated_at").asText(null))));
        }
        return new Page(items, body.path("has_more").asBoolean(false));
    }

    /** GET one path: the JSON body on 200, empty on 404; anything else is a 503 naming the catalog's answer. */
    private Optional<JsonNode> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ApiError.unavailable("catalog_unavailable", "the catalog at " + baseUrl + " cannot be reached: "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("catalog_unavailable", "interrupted while asking the catalog");
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw ApiError.unavailable("catalog_unavailable", "the catalog answered " + response.statusCode()
                    + " for " + path + ": " + abbreviate(response.body()));
        }
        try {
            return Optional.of(json.readTree(response.body()));
        } catch (IOException e) {
            throw ApiError.unavailable("catalog_unavailable", "the catalog's answer for " + path + " is not JSON");
        }
    }

    private static PolicyView view(JsonNode entry) {
        JsonNode spec = entry.path("spec");
        Map<String, String> labels = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            labels.put(label.getKey(), label.getValue().asText());
        }
        return new PolicyView(entry.path("policy_id").asText(), textOrNull(entry, "serving_revision"), labels,
                spec.path("status").asText("ACTIVE"), epochSeconds(entry.path("updated_at").asText(null)));
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static long epochSeconds(String iso) {
        if (iso == null) {
            return 0;
        }
        try {
            return Instant.parse(iso).getEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
