package ai.mint.platform;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real multi-node KRaft cluster on 127.0.0.1 made of separate processes: one controller
 * ({@code process.roles=controller}) and N brokers ({@code process.roles=broker}), each a {@link KafkaNodeProcess}.
 * Topics default to replication 3 with {@code min.insync.replicas} 2, so an acks=all producer loses nothing when one
 * broker dies. Brokers can be SIGKILLed and started again on the same log directory and port, for the fault suite.
 * (Combined mode with several controllers crashes in Kafka 4.1.1, see notes/kafka.md, hence one controller.)
 */
public final class KafkaProcessCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaProcessCluster.class);
    /** The controller's node id; brokers are 1..N. */
    public static final int CONTROLLER_ID = 100;

    private final KafkaNodeProcess controller;
    private final List<KafkaNodeProcess> brokers;
    private final String bootstrapServers;
    private final Thread killOnExit;

    private KafkaProcessCluster(KafkaNodeProcess controller, List<KafkaNodeProcess> brokers, String bootstrapServers) {
        this.controller = controller;
        this.brokers = brokers;
        this.bootstrapServers = bootstrapServers;
        // a JVM that exits without close() (Ctrl-C on `mint chaos`) must not leave four Kafka JVMs behind
        this.killOnExit = new Thread(() -> {
            brokers.forEach(KafkaNodeProcess::kill);
            controller.kill();
        }, "mint-cluster-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Formats {@code dir/node-ID} for the controller and {@code brokerCount} brokers under one new cluster id, starts
     * them all, and returns once every broker is registered.
     */
    public static KafkaProcessCluster start(Path dir, int brokerCount, Duration readyTimeout) {
        if (brokerCount < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 brokers, got " + brokerCount);
        }
        long started = System.nanoTime();
        String clusterId = Uuid.randomUuid().toString();
        int controllerPort = LoopbackPorts.pickFree();
        String voters = CONTROLLER_ID + "@" + LoopbackPorts.HOST + ":" + controllerPort;
        KafkaNodeProcess controller = prepare(dir, CONTROLLER_ID, controllerProperties(dir, controllerPort, voters),
                clusterId, true);
        List<KafkaNodeProcess> brokers = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int id = 1; id <= brokerCount; id++) {
            int port = LoopbackPorts.pickFree();
            addresses.add(LoopbackPorts.HOST + ":" + port);
            brokers.add(prepare(dir, id, brokerProperties(dir, id, port, voters), clusterId, false));
        }
        KafkaProcessCluster cluster = new KafkaProcessCluster(controller, brokers, String.join(",", addresses));
        try {
            controller.start();
            brokers.forEach(KafkaNodeProcess::start);
            cluster.awaitBrokers(brokerCount, readyTimeout);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Kafka cluster of 1 controller + {} brokers up on {} in {} ms (data {})", brokerCount,
                cluster.bootstrapServers, (System.nanoTime() - started) / 1_000_000, dir);
        return cluster;
    }

    private static Properties controllerProperties(Path dir, int port, String voters) {
        Properties p = common(dir, CONTROLLER_ID, voters);
        p.put("process.roles", "controller");
        p.put("listeners", "CONTROLLER://" + LoopbackPorts.HOST + ":" + port);
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
        // a SIGKILLed broker is fenced (and its partitions lead elsewhere) after this long without a heartbeat
        p.put("broker.session.timeout.ms", "3000");
        return p;
    }

    private static Properties brokerProperties(Path dir, int id, int port, String voters) {
        Properties p = common(dir, id, voters);
        String host = LoopbackPorts.HOST;
        p.put("process.roles", "broker");
        p.put("listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "3");
        p.put("share.coordinator.state.topic.min.isr", "2");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a restarted broker catches up quickly and rejoins the ISR
        p.put("replica.lag.time.max.ms", "10000");
        p.put("auto.create.topics.enable", "false");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.replica.fetchers", "1");
        return p;
    }

    private static Properties common(Path dir, int id, String voters) {
        Properties p = new Properties();
        p.put("node.id", Integer.toString(id));
        p.put("controller.quorum.voters", voters);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", dir.resolve("node-" + id).resolve("data").toAbsolutePath().toString());
        return p;
    }

    /** Writes the node's properties and formats its log directory. */
    private static KafkaNodeProcess prepare(Path dir, int id, Properties props, String clusterId, boolean controller) {
        Path nodeDir = dir.resolve("node-" + id).toAbsolutePath();
        Path file = nodeDir.resolve("server.properties");
        try {
            Files.createDirectories(nodeDir);
            try (var out = Files.newOutputStream(file)) {
                props.store(out, "KRaft node " + id + " of a mint process cluster");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool$.MODULE$.execute(
                    new String[] {"format", "-t", clusterId, "-c", file.toString()}, print);
        }
        if (rc != 0) {
            throw new PlatformException("formatting Kafka node " + id + " (" + nodeDir + ") failed (exit " + rc + "): "
                    + captured.toString(StandardCharsets.UTF_8).trim());
        }
        return new KafkaNodeProcess(id, controller, file);
    }

    /** Waits until {@code count} brokers are registered and unfenced, i.e. listed by the cluster's metadata. */
    public void awaitBrokers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                requireRunning();
                try {
                    int seen = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size();
                    if (seen >= count) {
                        return;
                    }
                    last = seen + " brokers registered";
                } catch (Exception e) {
                    last = e.toString();
                }
                sleep(200);
            }
        }
        throw new PlatformException("the Kafka cluster did not reach " + count + " brokers within "
                + timeout.toSeconds() + " s (" + last + "); controller log:\n" + controller.logTail(15));
    }

    /** Waits until every partition of {@code topics} has all its replicas in sync again (after a restart). */
    public void awaitFullIsr(Set<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                            .get(5, TimeUnit.SECONDS);
                    boolean full = described.values().stream().flatMap(d -> d.partitions().stream())
                            .allMatch(p -> p.isr().size() == p.replicas().size());
                    if (full) {
                        return;
                    }
                } catch (Exception e) {
                    // a broker is still joining; ask again
                }
                sleep(250);
            }
        }
        throw new PlatformException("replicas of " + topics + " did not all rejoin their ISR within "
                + timeout.toSeconds() + " s");
    }

    /** The broker that leads {@code topic}'s {@code partition} now. */
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            TopicPartitionInfo info = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS)
                    .get(topic).partitions().get(partition);
            Node leader = info.leader();
            if (leader == null || leader.isEmpty()) {
                throw new PlatformException(topic + "-" + partition + " has no leader right now");
            }
            return leader.id();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while describing " + topic);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new PlatformException("cannot describe " + topic + ": " + e, e);
        }
    }

    private void requireRunning() {
        List<KafkaNodeProcess> dead = new ArrayList<>();
        if (!controller.alive()) {
            dead.add(controller);
        }
        if (!dead.isEmpty()) {
            throw new PlatformException("Kafka node " + dead.stream().map(n -> Integer.toString(n.nodeId()))
                    .collect(Collectors.joining(", ")) + " exited; its log:\n" + dead.get(0).logTail(20));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
    }

    /** Every broker's address, the value for a client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker with node id {@code id} (1..N). */
    public KafkaNodeProcess broker(int id) {
        return brokers.stream().filter(b -> b.nodeId() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + id + " in this cluster"));
    }

    public List<KafkaNodeProcess> brokers() {
        return List.copyOf(brokers);
    }

    public KafkaNodeProcess controller() {
        return controller;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while waiting for the Kafka cluster");
        }
    }

    /** Stops the brokers (controlled shutdown, while the controller still runs), then the controller. */
    @Override
    public void close() {
        brokers.parallelStream().forEach(KafkaNodeProcess::stop);
        controller.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
        LOG.info("Kafka cluster on {} stopped", bootstrapServers);
    }
}
