package ai.mint.platform;

import ai.mint.common.io.PropertiesFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Apicurio Registry 3.0.9 running as a child process on 127.0.0.1, serving the Confluent Schema Registry API.
 * Its schemas live in a file-backed H2 database under {@code DATA_DIR/registry}, so schema ids survive a restart
 * (the default in-memory storage would orphan every event already on a topic). Output goes to
 * {@code DATA_DIR/registry.log}. A JVM shutdown hook kills the child if this JVM exits without {@link #close()}.
 *
 * <p>In {@link SecureMode} every API asks for HTTP basic credentials, checked by Apicurio itself (Quarkus' embedded
 * users, role-based authorization, no identity server): the admin may do anything, the shared reader account of
 * tenants may read schemas but not register or change them. Those settings go to the registry in
 * {@code DATA_DIR/registry/config/application.properties} (owner-only), never on its command line, which every local
 * user can read.
 */
public final class RegistryProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryProcess.class);
    /** The Confluent-compatible API's path on an Apicurio 3 server. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread killOnExit;
    private final String authorization;
    private boolean closed;

    private RegistryProcess(Process process, int port, Path log, Thread killOnExit, String adminUserInfo) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.killOnExit = killOnExit;
        this.authorization = adminUserInfo == null ? null : "Basic " + java.util.Base64.getEncoder()
                .encodeToString(adminUserInfo.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts the registry with its storage under {@code dataDir} and returns once its Confluent API answers, with the
     * global compatibility level set to BACKWARD (so a breaking schema change is refused with HTTP 409).
     */
    public static RegistryProcess start(Path dataDir, Duration readyTimeout) {
        return start(dataDir, LoopbackPorts.pickFree(), readyTimeout, null);
    }

    /** {@link #start(Path, Duration)} on a given port: a registry started again where its clients look for it. */
    public static RegistryProcess start(Path dataDir, int port, Duration readyTimeout) {
        return start(dataDir, port, readyTimeout, null);
    }

    /**
     * Starts the registry as {@link #start(Path, Duration)} does.
     *
     * @param secure the secure mode whose credentials the registry asks for, or null to let anyone in
     */
    public static RegistryProcess start(Path dataDir, Duration readyTimeout, SecureMode secure) {
        return start(dataDir, LoopbackPorts.pickFree(), readyTimeout, secure);
    }

    private static RegistryProcess start(Path dataDir, int port, Duration readyTimeout, SecureMode secure) {
        Path jar = ApicurioHome.runnerJar();
        Path storage = dataDir.resolve("registry").toAbsolutePath();
        Path log = dataDir.resolve("registry.log").toAbsolutePath();
        try {
            Files.createDirectories(storage);
            writeAuthConfig(storage, secure);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry storage directory " + storage, e);
        }
        long started = System.nanoTime();
        Process process = ChildProcesses.start(command(jar, storage, port), storage, log,
                "the schema registry process (" + jar + ")");
        Thread hook = new Thread(() -> stop(process), "mint-registry-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        RegistryProcess registry = new RegistryProcess(process, port, log, hook,
                secure == null ? null : secure.adminUserInfo());
        try {
            registry.awaitReady(readyTimeout);
            registry.setGlobalCompatibility("BACKWARD");
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        LOG.info("schema registry up on {} in {} ms (pid {}, storage {}, log {})", registry.baseUrl(),
                (System.nanoTime() - started) / 1_000_000, process.pid(), storage, log);
        return registry;
    }

    /**
     * Quarkus reads {@code config/application.properties} in its working directory (the storage directory) at start.
     * Without secure mode the file must not exist, so that a registry is never protected by an old file by accident.
     */
    static void writeAuthConfig(Path storage, SecureMode secure) throws IOException {
        Path file = storage.resolve("config").resolve("application.properties");
        if (secure == null) {
            Files.deleteIfExists(file);
            return;
        }
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("quarkus.http.auth.basic", "true");
        auth.put("quarkus.security.users.embedded.enabled", "true");
        auth.put("quarkus.security.users.embedded.plain-text", "true");
        auth.put("quarkus.security.users.embedded.users." + SecureMode.ADMIN, secure.adminPassword());
        auth.put("quarkus.security.users.embedded.roles." + SecureMode.ADMIN, "sr-admin");
        auth.put("quarkus.security.users.embedded.users." + SecureMode.REGISTRY_READER,
                secure.registryReaderPassword());
        auth.put("quarkus.security.users.embedded.roles." + SecureMode.REGISTRY_READER, "sr-readonly");
        auth.put("quarkus.security.users.embedded.users." + SecureMode.REGISTRY_SERVICE, secure.servicePassword());
        auth.put("quarkus.security.users.embedded.roles." + SecureMode.REGISTRY_SERVICE, "sr-developer");
        auth.put("apicurio.auth.role-based-authorization", "true");
        PropertiesFiles.write(file, "registry authentication of 'mint up --secure'", auth, true);
    }

    static List<String> command(Path jar, Path storage, int port) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        // C1 only: the registry is small work, and full JIT would compete with the broker on 2 cores at start-up
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dquarkus.http.host=" + LoopbackPorts.HOST);
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dapicurio.storage.kind=sql");
        cmd.add("-Dapicurio.storage.sql.kind=h2");
        cmd.add("-Dapicurio.datasource.url=jdbc:h2:file:" + storage.resolve("registry-db"));
        cmd.add("-Dapicurio.import.work-dir=" + storage);
        cmd.add("-Dapicurio.storage.snapshot.location=" + storage);
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = authorized(HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(5)).GET()).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new PlatformException("the schema registry process exited with code " + process.exitValue()
                        + " while starting; last lines of " + log + ":\n" + ChildProcesses.tail(log, 15));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PlatformException("interrupted while waiting for the schema registry to start");
            }
            ChildProcesses.sleep(200, "the schema registry to start");
        }
        throw new PlatformException("the schema registry did not answer on " + confluentApiUrl() + " within "
                + timeout.toSeconds() + " s; see " + log + ":\n" + ChildProcesses.tail(log, 15));
    }

    private void setGlobalCompatibility(String level) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest put = authorized(HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/config")))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        try {
            HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new PlatformException("the schema registry refused compatibility level " + level + ": HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new PlatformException("cannot set the schema registry's compatibility level: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while configuring the schema registry");
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    /** {@code http://127.0.0.1:PORT}, the server root. */
    public String baseUrl() {
        return "http://" + LoopbackPorts.HOST + ":" + port;
    }

    /** The Confluent Schema Registry API base URL, the value for {@code schema.registry.url}. */
    public String confluentApiUrl() {
        return baseUrl() + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    /** The child process, e.g. to check it is gone after {@link #close()}. */
    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    /** Stops the child (SIGTERM, then SIGKILL after a grace period) and waits for it to exit; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process);
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook is running or has run, nothing to undo
        }
        LOG.info("schema registry on port {} stopped", port);
    }

    private static void stop(Process process) {
        ChildProcesses.stop(process, "schema registry", STOP_GRACE);
    }
}
