package ai.mint.platform;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running inside this JVM, listening on
 * 127.0.0.1 only. Its log lives under {@code DATA_DIR/kafka}; the directory is formatted only once, so a restart on
 * the same data directory keeps every topic and record. In {@link SecureMode} its client listener speaks SASL_SSL with
 * SCRAM-SHA-512 (the admin's credential written at format time), the controller listener SASL PLAIN with the admin's
 * password, and the standard authorizer denies whatever no ACL allows; the admin is the only super user.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final int port;
    private final int controllerPort;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, int port, int controllerPort) {
        this.server = server;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats {@code dataDir/kafka} if it is new, then starts the broker on free ports and returns once it serves. */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, null);
    }

    /**
     * Formats {@code dataDir/kafka} if it is new, then starts the broker on free ports and returns once it serves.
     *
     * @param secure the secure mode to start in, or null for plaintext without authorization
     */
    public static EmbeddedKafka start(Path dataDir, SecureMode secure) {
        Path logDir = dataDir.resolve("kafka").toAbsolutePath();
        int port = LoopbackPorts.pickFree();
        int controllerPort = LoopbackPorts.pickFree();
        Properties props = brokerProperties(logDir, port, controllerPort);
        if (secure != null) {
            props.putAll(secureProperties(port, controllerPort, secure));
        }
        try {
            Files.createDirectories(logDir);
            requireUnused(logDir);
            formatIfNew(logDir, props, secure);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka log directory " + logDir, e);
        }
        long started = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw new PlatformException("the embedded Kafka broker failed to start (log dir " + logDir + "): "
                    + e.getMessage(), e);
        }
        LOG.info("Kafka broker up on {}:{} in {} ms (log dir {})", LoopbackPorts.HOST, port,
                (System.nanoTime() - started) / 1_000_000, logDir);
        return new EmbeddedKafka(server, port, controllerPort);
    }

    /** The minimal combined-mode configuration verified in notes/kafka.md, sized for one machine. */
    static Properties brokerProperties(Path logDir, int port, int controllerPort) {
        String host = LoopbackPorts.HOST;
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        // a handful of internal partitions instead of 50: creating them is what makes a first consumer group slow
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // topics come from ai.mint.topics.Topics only; a typo must fail, not create a stray topic
        p.put("auto.create.topics.enable", "false");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        return p;
    }

    /** The listener of clients and of the broker itself in secure mode. */
    static final String SECURE_LISTENER = "SASL_SSL";

    /**
     * What secure mode changes: listeners, SASL per listener, TLS on the client listener, the standard authorizer with
     * the admin as the only super user. The controller listener keeps SASL PLAIN on loopback: SCRAM credentials live in
     * the metadata the controller serves, so the controller cannot check SCRAM itself (KIP-900).
     */
    static Map<String, String> secureProperties(int port, int controllerPort, SecureMode secure) {
        String host = LoopbackPorts.HOST;
        String admin = SecureMode.ADMIN;
        String password = secure.adminPassword();
        String client = "listener.name." + SECURE_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> p = new TreeMap<>();
        p.put("listeners", SECURE_LISTENER + "://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", SECURE_LISTENER + "://" + host + ":" + port);
        p.put("inter.broker.listener.name", SECURE_LISTENER);
        p.put("listener.security.protocol.map", "CONTROLLER:SASL_PLAINTEXT," + SECURE_LISTENER + ":SASL_SSL");
        p.put("sasl.enabled.mechanisms", SecureMode.MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", SecureMode.MECHANISM);
        p.put(client + "scram-sha-512.sasl.jaas.config",
                SecureMode.jaas(ScramLoginModule.class.getName(), admin, password, ""));
        p.put(client + "ssl.keystore.location", secure.tls().keyStore().toString());
        p.put(client + "ssl.keystore.type", TlsMaterial.STORE_TYPE);
        p.put(client + "ssl.keystore.password", secure.tls().password());
        // the broker is its own inter-broker client on this listener, and checks at start that it trusts itself
        p.put(client + "ssl.truststore.location", secure.tls().trustStore().toString());
        p.put(client + "ssl.truststore.type", TlsMaterial.STORE_TYPE);
        p.put(client + "ssl.truststore.password", secure.tls().password());
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        // the first pair is what the broker sends to the controller, user_admin what the controller accepts
        p.put("listener.name.controller.plain.sasl.jaas.config", SecureMode.jaas(PlainLoginModule.class.getName(),
                admin, password, " user_" + admin + "=\"" + password + "\""));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + admin);
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    /**
     * Fails with a plain message when another broker holds the log directory; Kafka itself would log a fatal stack
     * trace first. The lock is Kafka's own ({@code .lock}), released again right away.
     */
    private static void requireUnused(Path logDir) throws IOException {
        String inUse = "the Kafka log directory " + logDir + " is in use by another broker (another 'mint up' on "
                + "this data directory?): stop it, or choose another --data-dir";
        try (FileChannel channel = FileChannel.open(logDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new PlatformException(inUse);
            }
        } catch (OverlappingFileLockException e) {
            throw new PlatformException(inUse);
        }
    }

    private static void formatIfNew(Path logDir, Properties props, SecureMode secure) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = Files.createTempFile("mint-kraft-", ".properties");
        try {
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "format the embedded KRaft log directory");
            }
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            String clusterId = Uuid.randomUuid().toString();
            int rc;
            List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString()));
            if (secure != null) {
                // the broker authenticates to itself with SCRAM, so its credential must exist before it starts
                args.addAll(List.of("--add-scram", SecureMode.MECHANISM + "=[name=" + SecureMode.ADMIN + ",password="
                        + secure.adminPassword() + "]"));
            }
            try (PrintStream print = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                rc = kafka.tools.StorageTool$.MODULE$.execute(args.toArray(String[]::new), print);
            }
            if (rc != 0) {
                throw new PlatformException("formatting the Kafka log directory " + logDir + " failed (exit " + rc
                        + "): " + captured.toString(StandardCharsets.UTF_8).trim());
            }
            LOG.info("formatted new Kafka log directory {} (cluster id {})", logDir, clusterId);
        } finally {
            Files.deleteIfExists(config);
        }
    }

    /** {@code 127.0.0.1:PORT}, the value for a client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return LoopbackPorts.HOST + ":" + port;
    }

    /** The client listener's port. */
    public int port() {
        return port;
    }

    /** The KRaft controller listener's port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** Stops the broker and waits until every one of its threads has ended; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker on port {} stopped in {} ms", port, (System.nanoTime() - started) / 1_000_000);
    }
}
