package ai.mint.gateway.http;

import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.gateway.GatewayMetrics;
import ai.mint.gateway.auth.ApiKeys;
import ai.mint.gateway.catalog.CatalogClient;
import ai.mint.gateway.kafka.Bridges;
import ai.mint.gateway.openai.ApiError;
import ai.mint.gateway.openai.CompletionJob;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP server (Javalin on Jetty 12): the OpenAI routes, {@code POST /v1/feedback}, {@code GET /metrics} (Prometheus text) and
 * {@code GET /health}, and one error shape for everything, including unknown paths and bodies over the size bound.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private final Javalin app;
    private final ExecutorService writers;

    /**
     * The settings of the server.
     *
     * @param host            address to listen on
     * @param port            port, 0 for a free one
     * @param maxRequestBytes largest request body
     * @param requestTimeout  how long a request waits for its replies (the async timeout is a little longer)
     * @param limits          what one request may ask for
     * @param instanceId      this gateway's id (prefix of its request ids)
     */
    public record Settings(String host, int port, long maxRequestBytes, Duration requestTimeout,
                           CompletionJob.Limits limits, String instanceId) {
    }

    public GatewayServer(Settings settings, ApiKeys keys, CatalogClient catalog, Bridges bridges,
                         ServiceMetrics serviceMetrics, GatewayMetrics metrics) {
        ObjectMapper json = new ObjectMapper();
        this.writers = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "mint-gateway-writer");
            thread.setDaemon(true);
            return thread;
        });
        CompletionService service = new CompletionService(catalog, bridges, settings.instanceId());
        CompletionEndpoint completions = new CompletionEndpoint(CompletionJob.Endpoint.COMPLETIONS, keys, service,
                settings.limits(), metrics, writers, json);
        CompletionEndpoint chat = new CompletionEndpoint(CompletionJob.Endpoint.CHAT, keys, service,
                settings.limits(), metrics, writers, json);
        ModelsEndpoint models = new ModelsEndpoint(keys, catalog, metrics, json);
        FeedbackEndpoint feedback = new FeedbackEndpoint(keys, catalog, bridges.shared(), writers, json);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.http.asyncTimeout = settings.requestTimeout().plusSeconds(10).toMillis();
            // streams must reach the client as they are written
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.routes.post("/v1/completions", completions::handle);
            config.routes.post("/v1/chat/completions", chat::handle);
            config.routes.post("/v1/feedback", feedback::handle);
            config.routes.get("/v1/models", models::list);
            config.routes.get("/v1/models/{model}", models::one);
            config.routes.get("/metrics", ctx -> ctx.contentType(ServiceMetrics.CONTENT_TYPE)
                    .result(serviceMetrics.scrape()));
            config.routes.get("/health", ctx -> writeJson(ctx, 200, json.createObjectNode().put("status", "ok"), json));
            config.routes.exception(ApiError.class, (e, ctx) -> writeError(ctx, e, json));
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    writeError(ctx, ApiError.http(e.getStatus(), e.getMessage() == null || e.getMessage().isBlank()
                            ? "HTTP " + e.getStatus() + " for " + ctx.method() + " " + ctx.path() : e.getMessage()
                            + " (" + ctx.method() + " " + ctx.path() + ")"), json));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
                writeError(ctx, ApiError.internal(e.toString()), json);
            });
        });
        app.start();
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /** Reads a JSON body; a body that is not JSON is a 400 saying where it breaks. */
    static JsonNode readJson(Context ctx, ObjectMapper json) {
        byte[] body;
        try {
            body = ctx.bodyAsBytes();
        } catch (HttpResponseException e) {
            throw e; // e.g. 413, answered by the exception mapping
        } catch (RuntimeException e) {
            // the client went away or stalled mid-body (Jetty's EOF and idle timeouts)
            throw ApiError.invalid(null, "Cannot read the request body: " + e.getMessage());
        }
        if (body.length == 0) {
            throw ApiError.invalid(null, "The request body is empty; send a JSON object");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "We could not parse the JSON body of your request: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (java.io.IOException e) {
            throw ApiError.invalid(null, "Cannot read the request body: " + e.getMessage());
        }
    }

    static void writeJson(Context ctx, int status, ObjectNode body, ObjectMapper json) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response", e);
        }
    }

    static void writeError(Context ctx, ApiError error, ObjectMapper json) {
        if (error.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        writeJson(ctx, error.status(), error.body(), json);
    }

    @Override
    public void close() {
        app.stop();
        writers.shutdownNow();
    }
}
