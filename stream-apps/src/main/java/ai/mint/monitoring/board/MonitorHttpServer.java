package ai.mint.monitoring.board;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitoring query API (JSON over the JDK's HTTP server, like the catalog's): {@code GET /policies/top?limit=N}
 * (the busiest policies of the newest windows, {@link PolicyRow}), {@code /policies/{id}}, {@code /workers}
 * ({@link WorkerRow}) and {@code /alerts?limit=N} (newest first, {@link AlertRow}). It answers from a
 * {@link MonitorBoard} fed from the monitoring topics, so every instance answers for every policy. 400 names a bad
 * parameter, 404 an unknown policy or path, 405 anything but GET.
 */
public final class MonitorHttpServer implements AutoCloseable {

    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(MonitorHttpServer.class);

    static {
        // as CatalogHttpServer: without it the client's delayed ACK holds every keep-alive answer ~40 ms
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final MonitorBoard board;
    private final ObjectMapper json = new ObjectMapper();

    private MonitorHttpServer(HttpServer server, ExecutorService executor, MonitorBoard board) {
        this.server = server;
        this.executor = executor;
        this.board = board;
    }

    /** Binds {@code host:port} (0 picks a free port) and starts serving {@code board}. */
    public static MonitorHttpServer start(MonitorBoard board, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "mint-monitor-http");
            thread.setDaemon(true);
            return thread;
        });
        MonitorHttpServer api = new MonitorHttpServer(server, executor, board);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private record Answer(int status, Object body) {
        static Answer error(int status, String code, String message) {
            return new Answer(status, Map.of("error", code, "message", message));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        try {
            answer = route(exchange);
        } catch (IllegalArgumentException e) {
            answer = Answer.error(400, "bad_request", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("query {} failed", exchange.getRequestURI(), e);
            answer = Answer.error(500, "internal", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        byte[] body = json.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private Answer route(HttpExchange exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Answer.error(405, "method_not_allowed", exchange.getRequestMethod() + " is not supported; use GET");
        }
        List<String> path = Arrays.stream(exchange.getRequestURI().getRawPath().split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
        Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
        if (path.equals(List.of("policies", "top"))) {
            return new Answer(200, board.topPolicies(limit(params)));
        }
        if (path.size() == 2 && path.get(0).equals("policies")) {
            return board.policy(path.get(1)).map(row -> new Answer(200, row))
                    .orElseGet(() -> Answer.error(404, "not_found", "no view of policy '" + path.get(1)
                            + "' yet (it had no traffic since the monitor started, or no window has closed)"));
        }
        if (path.equals(List.of("workers"))) {
            return new Answer(200, board.workers());
        }
        if (path.equals(List.of("alerts"))) {
            return new Answer(200, board.alerts(limit(params)));
        }
        return Answer.error(404, "not_found", "no such resource " + exchange.getRequestURI().getRawPath()
                + "; try /policies/top, /policies/{id}, /workers or /alerts");
    }

    private static int limit(Map<String, String> params) {
        String raw = params.get("limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("limit must be an integer in 1.." + MAX_LIMIT + ", got '" + raw + "'");
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
