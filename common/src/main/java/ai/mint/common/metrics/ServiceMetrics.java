package ai.mint.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one long-running service (gateway, catalog, orchestrator, worker): a Micrometer registry in
 * Prometheus format with the JVM's and the process's meters, every meter tagged {@code service=NAME}, and optionally
 * its own {@code GET /metrics} endpoint (Prometheus text format 0.0.4) on a loopback address. The registry joins
 * Micrometer's global registry while the service runs, so that library code without a registry at hand (the
 * dead-letter factory) counts into it too; in a JVM that runs several services each one's endpoint therefore also
 * shows those process-wide meters.
 */
public final class ServiceMetrics implements AutoCloseable {

    /** Content type of the endpoint: the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);

    private final String service;
    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private HttpServer server;
    private ExecutorService executor;

    private ServiceMetrics(String service) {
        this.service = service;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Metrics.addRegistry(registry);
    }

    /** Metrics without an endpoint of their own (the gateway serves them on its API port). */
    public static ServiceMetrics withoutEndpoint(String service) {
        return new ServiceMetrics(service);
    }

    /**
     * Metrics served at {@code http://HOST:PORT/metrics}; port 0 picks a free one, a negative port serves none.
     *
     * @throws MetricsEndpointException if the port cannot be bound (in use, not allowed)
     */
    public static ServiceMetrics start(String service, String host, int port) {
        ServiceMetrics metrics = new ServiceMetrics(service);
        if (port >= 0) {
            try {
                metrics.serve(host, port);
            } catch (IOException e) {
                metrics.close();
                String why = e instanceof BindException ? "the port is in use or not allowed" : e.toString();
                throw new MetricsEndpointException("cannot serve " + service + " metrics on " + host + ":" + port
                        + ": " + why + "; choose another with " + MetricsConfig.PORT + " (0 picks a free port, -1 "
                        + "serves none)", e);
            }
            LOG.info("{} metrics at {}", service, metrics.url().orElseThrow());
        }
        return metrics;
    }

    private void serve(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "mint-" + service + "-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/metrics") && !path.equals("/metrics/")) {
                reply(exchange, 404, "text/plain; charset=utf-8", "no such resource " + path + "; try /metrics\n");
            } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "text/plain; charset=utf-8", exchange.getRequestMethod() + " is not supported;"
                        + " use GET\n");
            } else {
                reply(exchange, 200, CONTENT_TYPE, scrape());
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The name every meter of this service carries as its {@code service} tag. */
    public String service() {
        return service;
    }

    /** Where meters are registered. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }

    /** The endpoint's URL, if this service serves one of its own. */
    public Optional<String> url() {
        return server == null ? Optional.empty()
                : Optional.of("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort()
                + "/metrics");
    }

    /** Binds a Kafka client's own metrics (a consumer's lag among them) until this service's metrics close. */
    public void bindKafkaClient(Consumer<?, ?> consumer) {
        bind(new KafkaClientMetrics(consumer));
    }

    /** Binds a Kafka producer's own metrics (send rates, errors, buffer) until this service's metrics close. */
    public void bindKafkaClient(Producer<?, ?> producer) {
        bind(new KafkaClientMetrics(producer));
    }

    /** Binds any meter binder (e.g. Kafka Streams' metrics); one that is closeable is closed with these metrics. */
    public synchronized void bind(MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            binders.add(closeable);
        }
    }

    /** Removes every meter tagged {@code policy=POLICY} (a policy that lost its own label, see {@link PolicyLabels}). */
    public void removePolicy(String policy) {
        for (Meter meter : List.copyOf(registry.getMeters())) {
            if (policy.equals(meter.getId().getTag(PolicyLabels.TAG))) {
                registry.remove(meter);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.debug("closing a metrics binder of {}: {}", service, e.toString());
            }
        }
        Metrics.removeRegistry(registry);
        registry.close();
    }
}
