package ai.mint.platform;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The platform's infrastructure: a Kafka cluster, a schema registry and every topic of
 * {@link ai.mint.topics.Topics}. Parts not configured externally are started here (an in-process KRaft broker and an
 * Apicurio child process, in parallel) and stopped by {@link #close()}, which also runs when start-up fails halfway.
 * While a part is embedded, the data directory is locked ({@link DataDirLock}), so a second platform on it is refused
 * before it starts anything. In {@link SecureMode} the broker and the registry ask for credentials and the connection
 * this platform hands out is the admin's.
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);

    private final EmbeddedKafka kafka;
    private final RegistryProcess registry;
    private final DataDirLock dataDirLock;
    private final PlatformConnection connection;
    private final SecureMode secure;
    private ProvisionReport provisioning;

    private EmbeddedPlatform(EmbeddedKafka kafka, RegistryProcess registry, DataDirLock dataDirLock,
                             PlatformConnection connection, SecureMode secure) {
        this.kafka = kafka;
        this.registry = registry;
        this.dataDirLock = dataDirLock;
        this.connection = connection;
        this.secure = secure;
    }

    /** Starts what is not external, provisions the topics and returns once everything answers. */
    public static EmbeddedPlatform start(PlatformOptions options) {
        long started = System.nanoTime();
        boolean startsSomething = options.externalBootstrapServers() == null || options.externalRegistryUrl() == null;
        // before anything starts: a refusal must not leave a half-booted registry on someone else's database
        DataDirLock lock = startsSomething ? DataDirLock.acquire(options.dataDir()) : null;
        SecureMode secure;
        try {
            secure = secureMode(options, startsSomething);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        // the registry needs ~10 s and no broker, so it boots on another thread while the broker starts here
        CompletableFuture<RegistryProcess> registryStart = options.externalRegistryUrl() != null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> RegistryProcess.start(options.dataDir(),
                        options.registryReadyTimeout(), secure), runnable -> {
                            Thread t = new Thread(runnable, "mint-registry-start");
                            t.setDaemon(true);
                            t.start();
                        });
        EmbeddedKafka kafka = null;
        RegistryProcess registry = null;
        try {
            if (options.externalBootstrapServers() == null) {
                kafka = EmbeddedKafka.start(options.dataDir(), secure);
            }
            registry = joinRegistry(registryStart);
            PlatformConnection connection = secure != null
                    ? new PlatformConnection(kafka.bootstrapServers(), registry.confluentApiUrl(),
                            secure.adminUserInfo(), null, secure.adminClientProperties(), secure.catalogUserInfo())
                    // an embedded part speaks plaintext on loopback; an external one is reached as the options say
                    : new PlatformConnection(
                            kafka != null ? kafka.bootstrapServers() : options.externalBootstrapServers(),
                            registry != null ? registry.confluentApiUrl() : options.externalRegistryUrl(),
                            registry != null ? null : options.externalRegistryUserInfo(), null,
                            kafka != null ? Map.of() : options.externalKafka());
            EmbeddedPlatform platform = new EmbeddedPlatform(kafka, registry, lock, connection, secure);
            platform.provisioning = platform.provision(options, false);
            if (secure != null) {
                TenantAccess.addService(connection, secure);
            }
            LOG.info("platform ready in {} ms: {}", (System.nanoTime() - started) / 1_000_000,
                    connection);
            return platform;
        } catch (RuntimeException e) {
            if (registry == null) {
                registry = registryStart.handle((r, failure) -> r).join();
            }
            closeQuietly(registry);
            closeQuietly(kafka);
            closeQuietly(lock);
            throw e;
        }
    }

    /** The secure mode to start in; a secure data directory is never started open. */
    private static SecureMode secureMode(PlatformOptions options, boolean startsSomething) {
        if (options.secure()) {
            return SecureMode.prepare(options.dataDir());
        }
        if (startsSomething) {
            SecureMode.refuseInsecureStart(options.dataDir());
        }
        return null;
    }

    private static RegistryProcess joinRegistry(CompletableFuture<RegistryProcess> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Creates missing topics and checks existing ones; see {@link TopicProvisioner}. */
    public ProvisionReport provision(PlatformOptions options, boolean growPartitions) {
        try (Admin admin = KafkaClients.of(connection).admin("mint-admin")) {
            return new TopicProvisioner(admin, Duration.ofSeconds(30)).provision(options.topics(), growPartitions);
        }
    }

    public String bootstrapServers() {
        return connection.bootstrapServers();
    }

    /** The Confluent Schema Registry API base URL ({@code http://127.0.0.1:PORT/apis/ccompat/v7} when embedded). */
    public String schemaRegistryUrl() {
        return connection.schemaRegistryUrl();
    }

    public PlatformConnection connection() {
        return connection;
    }

    /** What topic provisioning found at start-up. */
    public ProvisionReport provisioning() {
        return provisioning;
    }

    /** The embedded broker, when this platform started one. */
    public Optional<EmbeddedKafka> embeddedKafka() {
        return Optional.ofNullable(kafka);
    }

    /** The secure mode this platform runs in, if it does. */
    public Optional<SecureMode> secureMode() {
        return Optional.ofNullable(secure);
    }

    /** The registry child process, when this platform started one. */
    public Optional<RegistryProcess> registryProcess() {
        return Optional.ofNullable(registry);
    }

    /** Stops the registry and the broker (whatever this platform started); safe to call twice. */
    @Override
    public void close() {
        if (kafka == null && registry == null) {
            return; // everything external: nothing of ours to stop, and no lock taken
        }
        long started = System.nanoTime();
        // the two stop independently; one failing must not leave the other running
        try {
            closeQuietly(registry);
        } finally {
            closeQuietly(kafka);
            // last: the directory is free only once nothing writes to it any more
            closeQuietly(dataDirLock);
        }
        LOG.info("platform stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static void closeQuietly(AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
        }
    }
}
