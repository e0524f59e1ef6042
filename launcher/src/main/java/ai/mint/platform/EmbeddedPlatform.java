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
 * before it starts anything.
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);

    private final EmbeddedKafka kafka;
    private final RegistryProcess registry;
    private final DataDirLock dataDirLock;
    private final PlatformConnection connection;
    private ProvisionReport provisioning;

    private EmbeddedPlatform(EmbeddedKafka kafka, RegistryProcess registry, DataDirLock dataDirLock,
                             PlatformConnection connection) {
        this.kafka = kafka;
        this.registry = registry;
        this.dataDirLock = dataDirLock;
        this.connection = connection;
    }

    /** Starts what is not external, provisions the topics and returns once everything answers. */
    public static EmbeddedPlatform start(PlatformOptions options) {
        long started = System.nanoTime();
        boolean startsSomething = options.externalBootstrapServers() == null || options.externalRegistryUrl() == null;
        // before anything starts: a refusal must not leave a half-booted registry on someone else's database
        DataDirLock lock = startsSomething ? DataDirLock.acquire(options.dataDir()) : null;
        // the registry needs ~10 s and no broker, so it boots on another thread while the broker starts here
        CompletableFuture<RegistryProcess> registryStart = options.externalRegistryUrl() != null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> RegistryProcess.start(options.dataDir(),
                        options.registryReadyTimeout()), runnable -> {
                            Thread t = new Thread(runnable, "mint-registry-start");
                            t.setDaemon(true);
                            t.start();
                        });
        EmbeddedKafka kafka = null;
        RegistryProcess registry = null;
        try {
            if (options.externalBootstrapServers() == null) {
                kafka = EmbeddedKafka.start(options.dataDir());
            }
            registry = joinRegistry(registryStart);
            // an embedded part speaks plaintext on loopback; an external one is reached as the options say
            PlatformConnection connection = new PlatformConnection(
                    kafka != null ? kafka.bootstrapServers() : options.externalBootstrapServers(),
                    registry != null ? registry.confluentApiUrl() : options.externalRegistryUrl(),
                    registry != null ? null : options.externalRegistryUserInfo(), null,
                    kafka != null ? Map.of() : options.externalKafka());
            EmbeddedPlatform platform = new EmbeddedPlatform(kafka, registry, lock, connection);
            platform.provisioning = platform.provision(options, false);
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
