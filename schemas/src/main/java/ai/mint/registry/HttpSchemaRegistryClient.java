package ai.mint.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of any schema registry that speaks the Confluent Schema Registry REST API (Confluent, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace, Redpanda). Registrations, lookups and schemas by id are cached: ids are
 * immutable, so after the first call per schema the serdes never touch the network. A caller the registry does not let
 * register (a read-only principal) gets the id of a schema already registered, by lookup. Credentials ({@code USER:PASSWORD},
 * given explicitly or as the URL's user info) are sent as HTTP basic auth. A registry that cannot be reached or answers
 * 5xx / 429 is reported as {@link RegistryUnavailableException} (retriable); other refusals as
 * {@link SchemaRegistryException}.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    /** How long a call may take; a call that times out is asked once more before the registry counts as down. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(String baseUrl) {
        this(baseUrl, DEFAULT_TIMEOUT);
    }

    /**
     * @param baseUrl the Confluent-API base URL, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}
     * @param timeout limit on connecting and on each call
     */
    public HttpSchemaRegistryClient(String baseUrl, Duration timeout) {
        this(baseUrl, null, timeout);
    }

    /**
     * @param baseUrl  the Confluent-API base URL; user info in it ({@code https://USER:PASSWORD@host/...}) is taken as
     *                 the credentials when {@code userInfo} is null
     * @param userInfo {@code USER:PASSWORD} for HTTP basic auth, or null
     * @param timeout  limit on connecting and on each call
     */
    public HttpSchemaRegistryClient(String baseUrl, String userInfo, Duration timeout) {
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("schema.registry.url must start with http:// or https://, got '"
                    + baseUrl + "'");
        }
        URI uri = URI.create(baseUrl);
        // explicit credentials are taken as they are; those in the URL are percent-encoded there
        String credentials = userInfo != null && !userInfo.isBlank() ? userInfo
                : uri.getRawUserInfo() == null ? null : decodePercent(uri.getRawUserInfo());
        String withoutUserInfo = uri.getRawUserInfo() == null ? baseUrl
                : baseUrl.replace(uri.getRawUserInfo() + "@", "");
        this.baseUrl = withoutUserInfo.endsWith("/")
                ? withoutUserInfo.substring(0, withoutUserInfo.length() - 1) : withoutUserInfo;
        this.authorization = credentials == null || credentials.isBlank() ? null : "Basic " + Base64.getEncoder()
                .encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The base URL without credentials. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Whether calls carry basic-auth credentials. */
    public boolean authenticates() {
        return authorization != null;
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = known.get(schema);
        if (cached != null) {
            return cached;
        }
        // one call per subject at a time: a burst of first sends (a gateway's first 50 requests) would otherwise send
        // the registry 50 identical registrations at once, and on a loaded machine none of them answers in time
        synchronized (known) {
            Integer raced = known.get(schema);
            return raced != null ? raced : registerUncached(subject, schema, known);
        }
    }

    private int registerUncached(String subject, Schema schema, Map<Schema, Integer> known) {
        Response response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        if (response.status() == 409) {
            throw new IncompatibleSchemaException(subject, List.of(response.errorMessage()));
        }
        if (response.status() == 401 || response.status() == 403) {
            // a read-only principal (a tenant of a secured platform) uses the schemas an admin registered
            OptionalInt registered = lookup(subject, schema);
            if (registered.isPresent()) {
                return registered.getAsInt();
            }
            throw new SchemaRegistryException("schema registry " + baseUrl + " does not let "
                    + (authorization == null ? "anonymous callers" : "these credentials") + " register a schema under "
                    + subject + " (HTTP " + response.status() + " " + response.errorMessage() + "), and this schema is "
                    + "not registered there yet: ask the platform's admin to register it (mint tenant add does so for"
                    + " a tenant's topics)");
        }
        requireSuccess(response, "register a schema under subject " + subject);
        int id = response.json().path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("registry " + baseUrl + " answered a registration under " + subject
                    + " without an id: " + response.body());
        }
        known.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Response response = send("GET", "/schemas/ids/" + id, null);
        if (response.status() == 404) {
            throw new UnknownSchemaIdException(id, baseUrl);
        }
        requireSuccess(response, "fetch schema id " + id);
        Schema schema = parse(response.json().path("schema").asText(), "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced == null ? schema : raced;
    }

    @Override
    public OptionalInt lookup(String subject, Schema schema) {
        Map<Schema, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = known.get(schema);
        if (cached != null) {
            return OptionalInt.of(cached);
        }
        synchronized (known) {
            Integer raced = known.get(schema);
            return raced != null ? OptionalInt.of(raced) : lookupUncached(subject, schema, known);
        }
    }

    private OptionalInt lookupUncached(String subject, Schema schema, Map<Schema, Integer> known) {
        Response response = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        if (response.status() == 404) {
            return OptionalInt.empty();
        }
        requireSuccess(response, "look up a schema under subject " + subject);
        int id = response.json().path("id").asInt();
        known.put(schema, id);
        return OptionalInt.of(id);
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        Response response = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        if (response.status() == 404) {
            return CompatibilityResult.ok(); // a new subject accepts any schema
        }
        requireSuccess(response, "check compatibility under subject " + subject);
        JsonNode json = response.json();
        List<String> messages = new ArrayList<>();
        json.path("messages").forEach(m -> messages.add(m.asText()));
        return new CompatibilityResult(json.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public List<String> subjects() {
        Response response = send("GET", "/subjects", null);
        requireSuccess(response, "list subjects");
        List<String> subjects = new ArrayList<>();
        response.json().forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    private Response send(String method, String path, String body) {
        try {
            return sendOnce(method, path, body);
        } catch (RegistryUnavailableException e) {
            if (!(e.getCause() instanceof HttpTimeoutException)) {
                throw e;
            }
            // every call is idempotent (a registration of a known schema returns its id), so one slow answer
            // (a GC pause, a loaded machine) is asked again once before the caller sees the registry as down
            try {
                return sendOnce(method, path, body);
            } catch (RegistryUnavailableException again) {
                if (again.getCause() instanceof HttpTimeoutException) {
                    throw new RegistryUnavailableException(baseUrl, "no answer within " + timeout.toMillis()
                            + " ms, asked twice", again.getCause());
                }
                throw again;
            }
        }
    }

    private Response sendOnce(String method, String path, String body) {
        String url = baseUrl + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Response answer = new Response(method + " " + url, response.statusCode(), response.body());
            if (answer.status() / 100 == 5 || answer.status() == 429) {
                // the registry is there but cannot serve now (restarting, overloaded): retrying later may succeed
                throw new RegistryUnavailableException(baseUrl, "HTTP " + answer.status() + " "
                        + answer.errorMessage() + " on " + answer.request(), null);
            }
            return answer;
        } catch (HttpTimeoutException e) {
            throw new RegistryUnavailableException(baseUrl, "no answer within " + timeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new RegistryUnavailableException(baseUrl, "connection refused", e);
        } catch (IOException e) {
            throw new RegistryUnavailableException(baseUrl, e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(baseUrl, "interrupted while waiting", e);
        }
    }

    private void requireSuccess(Response response, String what) {
        if (response.status() / 100 != 2) {
            throw new SchemaRegistryException("schema registry " + baseUrl + " could not " + what + ": HTTP "
                    + response.status() + " " + response.errorMessage() + " (" + response.request() + ")");
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        body.put("schemaType", "AVRO");
        return body.toString();
    }

    private Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("registry " + baseUrl + " returned an unreadable Avro schema for "
                    + what + ": " + e.getMessage(), e);
        }
    }

    private static String decodePercent(String userInfo) {
        return java.net.URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One HTTP answer, with the registry's JSON error message pulled out where there is one. */
    private record Response(String request, int status, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new SchemaRegistryException("schema registry answered " + request + " with non-JSON: "
                        + abbreviate(body), e);
            }
        }

        String errorMessage() {
            try {
                JsonNode json = JSON.readTree(body);
                if (json != null && json.hasNonNull("message")) {
                    return json.get("message").asText();
                }
            } catch (IOException ignored) {
                // not JSON: the raw body is the best message there is
            }
            return abbreviate(body);
        }

        private static String abbreviate(String text) {
            return text == null ? "" : text.length() <= 300 ? text : text.substring(0, 300) + "...";
        }
    }
}
