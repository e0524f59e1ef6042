package ai.mint.catalog.query;

import ai.mint.common.catalog.CatalogApi;
import ai.mint.common.catalog.PolicyFilter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's HTTP query API (JSON), as {@link CatalogApi} describes it: policies paged by cursor and filtered,
 * their count, one policy's entry, its revisions (paged, or one) and its pointer moves (paged). Keys owned by another
 * instance are forwarded; lists and counts are merged across instances. 400 names the parameter and its allowed range,
 * 404 an unknown policy, revision or path, 503 (with Retry-After) a store that is not ready (starting, restoring,
 * rebalancing). Given credentials, every request must carry them as HTTP basic auth (401 otherwise), and queries
 * forwarded to another instance carry them too, so all instances of one catalog share one credential.
 */
public final class CatalogHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogHttpServer.class);

    static {
        // The JDK server writes headers and body apart; with Nagle's algorithm on, the client's delayed ACK then
        // holds every answer ~40 ms. Read once, when the JDK's server is first used.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final CatalogQueries queries;
    private final ObjectMapper json = new ObjectMapper();

    private CatalogHttpServer(HttpServer server, ExecutorService executor, CatalogReader reader, String self,
                              Duration forwardTimeout, String userInfo) {
        this.server = server;
        this.executor = executor;
        this.queries = new CatalogQueries(reader, new Forwarder(json, self, forwardTimeout, userInfo), json);
    }

    /** Binds {@code host:port} (0 picks a free port) and starts serving; forwarded queries may take 5 s. */
    public static CatalogHttpServer start(CatalogReader reader, String host, int port) throws IOException {
        return start(reader, host, port, Duration.ofSeconds(5));
    }

    /** Binds {@code host:port} (0 picks a free port) and starts serving, giving forwarded queries {@code forwardTimeout}. */
    public static CatalogHttpServer start(CatalogReader reader, String host, int port, Duration forwardTimeout)
            throws IOException {
        return start(reader, host, port, forwardTimeout, null);
    }

    /**
     * Binds and starts serving as {@link #start(CatalogReader, String, int, Duration)} does.
     *
     * @param userInfo {@code USER:PASSWORD} every request must carry as basic auth, or null to answer anyone
     */
    public static CatalogHttpServer start(CatalogReader reader, String host, int port, Duration forwardTimeout,
                                          String userInfo) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "mint-catalog-http");
            thread.setDaemon(true);
            return thread;
        });
        String self = "http://" + host + ":" + server.getAddress().getPort();
        String credentials = userInfo == null || userInfo.isBlank() ? null : userInfo;
        CatalogHttpServer api = new CatalogHttpServer(server, executor, reader, self, forwardTimeout, credentials);
        HttpContext context = server.createContext("/", api::handle);
        if (credentials != null) {
            context.setAuthenticator(new BasicCredentials(credentials));
        }
        server.setExecutor(executor);
        server.start();
        return api;
    }

    public String host() {
        return server.getAddress().getHostString();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        ApiResponse response;
        try {
            response = route(exchange);
        } catch (BadParameter e) {
            response = ApiResponse.badRequest(e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("query {} failed", exchange.getRequestURI(), e);
            response = ApiResponse.error(500, "internal", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        byte[] body = json.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (response.status() == 503) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(CatalogApi.RETRY_AFTER_SECONDS));
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private ApiResponse route(HttpExchange exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
            return ApiResponse.error(405, "method_not_allowed", exchange.getRequestMethod() + " is not supported; use GET");
        }
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, List<String>> params = parseQuery(rawQuery);
        List<String> segments = Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(CatalogHttpServer::decode).toList();
        boolean forwarded = exchange.getRequestHeaders().containsKey(Forwarder.FORWARDED_HEADER);
        String pathAndQuery = rawPath + (rawQuery == null ? "" : "?" + rawQuery);

        if (segments.size() == 2 && segments.get(0).equals(CatalogApi.INTERNAL)) {
            if (segments.get(1).equals(CatalogApi.POLICIES)) {
                return queries.localPage(filter(params), cursor(params), limit(params));
            }
            if (segments.get(1).equals(CatalogApi.COUNT)) {
                return queries.localCount(filter(params));
            }
        }
        if (segments.equals(List.of(CatalogApi.COUNT))) {
            return queries.count(filter(params));
        }
        if (segments.isEmpty() || !segments.get(0).equals(CatalogApi.POLICIES)) {
            return ApiResponse.notFound("no such resource " + rawPath + "; try /policies");
        }
        if (segments.size() == 1) {
            if (params.containsKey("offset")) {
                throw new BadParameter("offset paging is gone: page with after=POLICY_ID (the next_cursor of the"
                        + " previous page)");
            }
            return queries.list(filter(params), cursor(params), limit(params));
        }
        String policyId = segments.get(1);
        if (segments.size() == 2) {
            return queries.entry(policyId, pathAndQuery, forwarded);
        }
        if (segments.size() == 3 && segments.get(2).equals(CatalogApi.HISTORY)) {
            int after = intParam(params, CatalogApi.AFTER, 0, 0, Integer.MAX_VALUE - 1);
            return queries.history(policyId, after, limit(params), pathAndQuery, forwarded);
        }
        if (segments.size() == 3 && segments.get(2).equals(CatalogApi.REVISIONS)) {
            return queries.revisions(policyId, cursor(params), limit(params), pathAndQuery, forwarded);
        }
        if (segments.size() == 4 && segments.get(2).equals(CatalogApi.REVISIONS)) {
            return queries.revision(policyId, segments.get(3), pathAndQuery, forwarded);
        }
        return ApiResponse.notFound("no such resource " + rawPath + "; try /policies/{id}, /policies/{id}/history,"
                + " /policies/{id}/revisions or /policies/{id}/revisions/{revision}");
    }

    private static int limit(Map<String, List<String>> params) {
        return intParam(params, CatalogApi.LIMIT, CatalogApi.DEFAULT_LIMIT, 1, CatalogApi.MAX_LIMIT);
    }

    /** The {@code after} cursor, or null to start from the first. */
    private static String cursor(Map<String, List<String>> params) {
        String raw = single(params, CatalogApi.AFTER);
        if (raw == null) {
            return null;
        }
        int bytes = raw.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > CatalogApi.MAX_CURSOR_BYTES) {
            throw new BadParameter(CatalogApi.AFTER + " must be 1.." + CatalogApi.MAX_CURSOR_BYTES
                    + " bytes (the next_cursor of the previous page), got " + bytes);
        }
        return raw;
    }

    private static PolicyFilter filter(Map<String, List<String>> params) {
        try {
            return PolicyFilter.fromQuery(params);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(e.getMessage());
        }
    }

    /** A bad parameter ends the request with 400 through this exception. */
    private static int intParam(Map<String, List<String>> params, String name, int defaultValue, int min, int max) {
        String raw = single(params, name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new BadParameter(name + " must be an integer in " + min + ".." + max + ", got '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new BadParameter(name + " must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadParameter(name + " is given " + values.size() + " times; give it once");
        }
        return values.get(0);
    }

    private static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadParameter("'" + raw + "' is not valid URL encoding: " + e.getMessage());
        }
    }

    /** A query parameter is malformed or out of range. */
    static final class BadParameter extends RuntimeException {
        BadParameter(String message) {
            super(message);
        }
    }
}
