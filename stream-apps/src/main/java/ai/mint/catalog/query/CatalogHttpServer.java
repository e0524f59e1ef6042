package ai.mint.catalog.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's HTTP query API (JSON):
 * <pre>
 * GET /policies?offset=0&amp;limit=50          paged list across all instances, in policy-id order
 * GET /policies/{id}                          the catalog entry
 * GET /policies/{id}/revisions/{revision}     one revision
 * GET /policies/{id}/history                  moves of the serving pointer
 * </pre>
 * 400 for bad parameters, 404 for unknown policies/revisions/paths, 503 while stores are not ready (retry).
 */
public final class CatalogHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final CatalogQueries queries;
    private final ObjectMapper json = new ObjectMapper();

    private CatalogHttpServer(HttpServer server, ExecutorService executor, CatalogReader reader, String self,
                              Duration forwardTimeout) {
        this.server = server;
        this.executor = executor;
        this.queries = new CatalogQueries(reader, new Forwarder(json, self, forwardTimeout), json);
    }

    /** Binds {@code host:port} (0 picks a free port) and starts serving; forwarded queries may take 5 s. */
    public static CatalogHttpServer start(CatalogReader reader, String host, int port) throws IOException {
        return start(reader, host, port, Duration.ofSeconds(5));
    }

    /** Binds {@code host:port} (0 picks a free port) and starts serving, giving forwarded queries {@code forwardTimeout}. */
    public static CatalogHttpServer start(CatalogReader reader, String host, int port, Duration forwardTimeout)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "mint-catalog-http");
            thread.setDaemon(true);
            return thread;
        });
        String self = "http://" + host + ":" + server.getAddress().getPort();
        CatalogHttpServer api = new CatalogHttpServer(server, executor, reader, self, forwardTimeout);
        server.createContext("/", api::handle);
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
            exchange.getResponseHeaders().set("Retry-After", "1");
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
        Map<String, String> params = parseQuery(rawQuery);
        List<String> segments = Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(CatalogHttpServer::decode).toList();
        boolean forwarded = exchange.getRequestHeaders().containsKey(Forwarder.FORWARDED_HEADER);
        String pathAndQuery = rawPath + (rawQuery == null ? "" : "?" + rawQuery);

        if (segments.equals(List.of("internal", "policies"))) {
            return queries.localPage(intParam(params, "limit", CatalogQueries.DEFAULT_LIMIT, 1,
                    CatalogQueries.MAX_OFFSET + CatalogQueries.MAX_LIMIT + 1));
        }
        if (segments.isEmpty() || !segments.get(0).equals("policies")) {
            return ApiResponse.notFound("no such resource " + rawPath + "; try /policies");
        }
        if (segments.size() == 1) {
            int offset = intParam(params, "offset", 0, 0, CatalogQueries.MAX_OFFSET);
            int limit = intParam(params, "limit", CatalogQueries.DEFAULT_LIMIT, 1, CatalogQueries.MAX_LIMIT);
            return queries.list(offset, limit);
        }
        String policyId = segments.get(1);
        if (segments.size() == 2) {
            return queries.policy(policyId, pathAndQuery, forwarded, CatalogQueries.View.entry());
        }
        if (segments.size() == 3 && segments.get(2).equals("history")) {
            return queries.policy(policyId, pathAndQuery, forwarded, CatalogQueries.View.history());
        }
        if (segments.size() == 4 && segments.get(2).equals("revisions")) {
            return queries.policy(policyId, pathAndQuery, forwarded, CatalogQueries.View.revision(segments.get(3)));
        }
        return ApiResponse.notFound("no such resource " + rawPath
                + "; try /policies/{id}, /policies/{id}/history or /policies/{id}/revisions/{revision}");
    }

    /** A bad parameter ends the request with 400 through this exception. */
    private static int intParam(Map<String, String> params, String name, int defaultValue, int min, int max) {
        String raw = params.get(name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new BadParameter(name + " must be an integer, got '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new BadParameter(name + " must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
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
