package ai.mint.platform;

import ai.mint.common.connection.PlatformConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real Kafka Connect worker in distributed mode, run as a child JVM ({@code ConnectDistributed} of
 * connect-runtime) on the platform's cluster: its config, offset and status topics live there, its REST API listens
 * on 127.0.0.1, and it loads the project's plugin through {@code plugin.path} in its own class loader, as any Connect
 * cluster would. Its configuration is written to {@code DIR/worker.properties}, its log to {@code DIR/connect.log}.
 * A JVM shutdown hook kills the child if this JVM exits without {@link #close()}.
 */
public final class ConnectWorkerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorkerProcess.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** The connector classes the plugin must offer before the worker counts as ready. */
    public static final List<String> PLUGIN_CONNECTORS = List.of(
            "ai.mint.connect.postgres.PostgresSinkConnector",
            "ai.mint.connect.dataset.DatasetSourceConnector",
            "ai.mint.connect.adapters.AdapterImportSourceConnector");

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread killOnExit;
    private boolean closed;

    private ConnectWorkerProcess(Process process, int port, Path log, Thread killOnExit) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.killOnExit = killOnExit;
    }

    /**
     * How to run the worker.
     *
     * @param dir         where its properties file and log go
     * @param groupId     the Connect cluster's group id; its internal topics are {@code GROUP.configs|offsets|status}
     * @param port        REST port on 127.0.0.1; 0 picks a free one
     * @param overrides   further worker properties (win over the defaults), e.g. {@code offset.flush.interval.ms}
     */
    public record Settings(Path dir, String groupId, int port, Map<String, String> overrides) {

        public Settings {
            overrides = Map.copyOf(overrides);
        }

        /** The platform's Connect cluster ({@code mint-connect}) with its files under {@code dir}. */
        public static Settings of(Path dir) {
            return new Settings(dir, "mint-connect", 0, Map.of());
        }

        public Settings withPort(int newPort) {
            return new Settings(dir, groupId, newPort, overrides);
        }

        public Settings withOverrides(Map<String, String> more) {
            Map<String, String> merged = new TreeMap<>(overrides);
            merged.putAll(more);
            return new Settings(dir, groupId, port, merged);
        }
    }

    /** Starts the worker and returns once its REST API lists the project's connectors. */
    public static ConnectWorkerProcess start(PlatformConnection platform, Settings settings, Duration readyTimeout) {
        ConnectHome home = ConnectHome.locate();
        int port = settings.port() == 0 ? LoopbackPorts.pickFree() : settings.port();
        Path dir = settings.dir().toAbsolutePath();
        Path properties = dir.resolve("worker.properties");
        Path log = dir.resolve("connect.log");
        try {
            Files.createDirectories(dir);
            writeProperties(properties, workerProperties(platform, settings, home, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Connect worker's configuration to " + properties, e);
        }
        long started = System.nanoTime();
        Process process = ChildProcesses.start(command(home, properties, log), dir, log, "the Kafka Connect worker");
        Thread hook = new Thread(() -> ChildProcesses.stop(process, "Connect worker", STOP_GRACE),
                "mint-connect-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        ConnectWorkerProcess worker = new ConnectWorkerProcess(process, port, log, hook);
        try {
            worker.awaitReady(readyTimeout);
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        LOG.info("Kafka Connect worker up on {} in {} ms (pid {}, group {}, log {})", worker.url(),
                (System.nanoTime() - started) / 1_000_000, process.pid(), settings.groupId(), log);
        return worker;
    }

    /** The worker's properties: the platform's cluster, internal topics, the project's converter, the plugin path. */
    static Map<String, String> workerProperties(PlatformConnection platform, Settings settings, ConnectHome home,
                                                int port) {
        Map<String, String> p = new TreeMap<>();
        p.put("bootstrap.servers", platform.bootstrapServers());
        p.put("group.id", settings.groupId());
        p.put("config.storage.topic", settings.groupId() + ".configs");
        p.put("offset.storage.topic", settings.groupId() + ".offsets");
        p.put("status.storage.topic", settings.groupId() + ".status");
        // -1: the cluster's default replication (1 on the embedded broker, 3 on a real cluster)
        p.put("config.storage.replication.factor", "-1");
        p.put("offset.storage.replication.factor", "-1");
        p.put("status.storage.replication.factor", "-1");
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "ai.mint.connect.converter.MintAvroConverter");
        p.put("value.converter.schema.registry.url", platform.requireSchemaRegistryUrl());
        if (platform.registryUserInfo() != null) {
            p.put("value.converter." + PlatformConnection.SCHEMA_REGISTRY_USER_INFO, platform.registryUserInfo());
        }
        p.put("listeners", "http://" + LoopbackPorts.HOST + ":" + port);
        p.put("rest.advertised.host.name", LoopbackPorts.HOST);
        p.put("rest.advertised.port", Integer.toString(port));
        p.put("plugin.path", home.pluginPath().toAbsolutePath().toString());
        // every plugin on the path and the classpath lists itself in META-INF/services: no class scanning at start-up
        p.put("plugin.discovery", "service_load");
        p.put("offset.flush.interval.ms", "10000");
        // a restarted worker gets the work of the one it replaces at once, not after the default 5 minutes that
        // suit a cluster of many workers; the dead one's consumers are given up after 10 s, not 45
        p.put("scheduled.rebalance.max.delay.ms", "0");
        p.put("consumer.session.timeout.ms", "10000");
        // the worker's own clients and every connector's producer, consumer and admin reach the cluster alike
        platform.kafkaProperties().forEach((k, v) -> {
            p.put(k, v);
            p.put("producer." + k, v);
            p.put("consumer." + k, v);
            p.put("admin." + k, v);
        });
        p.putAll(settings.overrides());
        return p;
    }

    static List<String> command(ConnectHome home, Path properties, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common=warn");
        cmd.add("-cp");
        cmd.add(home.workerClasspath());
        cmd.add("org.apache.kafka.connect.cli.ConnectDistributed");
        cmd.add(properties.toString());
        return cmd;
    }

    private static void writeProperties(Path file, Map<String, String> properties) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("# written by mint: a Kafka Connect worker in distributed mode on the platform's cluster\n");
            for (Map.Entry<String, String> e : properties.entrySet()) {
                out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
            }
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/connector-plugins?connectorsOnly=true"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new PlatformException("the Kafka Connect worker exited with code " + process.exitValue()
                        + " while starting; last lines of " + log + ":\n" + ChildProcesses.tail(log, 20));
            }
            try {
                HttpResponse<String> answer = http.send(probe, HttpResponse.BodyHandlers.ofString());
                lastAnswer = "HTTP " + answer.statusCode() + " " + answer.body();
                if (answer.statusCode() == 200 && PLUGIN_CONNECTORS.stream().allMatch(answer.body()::contains)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PlatformException("interrupted while waiting for the Kafka Connect worker to start");
            }
            ChildProcesses.sleep(250, "the Kafka Connect worker to start");
        }
        throw new PlatformException("the Kafka Connect worker did not list the project's connectors on " + url()
                + " within " + timeout.toSeconds() + " s (last answer: " + lastAnswer + "); see " + log + ":\n"
                + ChildProcesses.tail(log, 20));
    }

    /** {@code http://127.0.0.1:PORT}, the worker's REST API. */
    public String url() {
        return "http://" + LoopbackPorts.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    /**
     * Kills the worker at once (SIGKILL): no task is stopped, no offset committed, as when a machine dies. Tests and
     * benchmarks use it to show what survives a crash.
     */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Stops the worker (SIGTERM: tasks stop and commit their offsets; SIGKILL after a grace period). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ChildProcesses.stop(process, "Connect worker", STOP_GRACE);
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook is running or has run
        }
        LOG.info("Kafka Connect worker on port {} stopped", port);
    }
}
