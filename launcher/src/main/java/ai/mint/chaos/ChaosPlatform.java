package ai.mint.chaos;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.store.FilesystemAdapterStore;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.safetensors.DType;
import ai.mint.lifecycle.bench.MintJvm;
import ai.mint.lifecycle.bench.ServedAdapters;
import ai.mint.platform.KafkaProcessCluster;
import ai.mint.platform.LoopbackPorts;
import ai.mint.platform.RegistryProcess;
import ai.mint.platform.TopicProvisioner;
import ai.mint.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole platform as separate processes on 127.0.0.1, for the fault suite and the soak: a {@link KafkaProcessCluster}
 * (one controller, three brokers), the Apicurio registry, and {@code mint catalog}, {@code mint orchestrator},
 * {@code mint scheduler} and two {@code mint worker}s as {@link MintJvm}s, on a micro base model with a few served
 * adapters. Every part can be killed and started again on its own state.
 */
public final class ChaosPlatform implements AutoCloseable {

    /** The base model's name in policies and the catalog. */
    public static final String BASE = "micro";

    private final Path dir;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final Consumer<String> progress;
    private final KafkaProcessCluster cluster;
    private RegistryProcess registry;
    private final PlatformConnection connection;
    private final Path baseDir;
    private final Path storeRoot;
    private final List<String> servedPolicies;
    private final Map<String, MintJvm> services = new LinkedHashMap<>();
    private final List<MintJvm> workers = new ArrayList<>();
    private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
    private final int catalogPort = LoopbackPorts.pickFree();
    // a JVM that exits without close() (Ctrl-C, SIGTERM) must not leave the service JVMs behind
    private final Thread killOnExit = new Thread(this::killServices, "mint-chaos-kill-on-exit");
    private int workersStarted;

    private ChaosPlatform(Path dir, Consumer<String> progress, KafkaProcessCluster cluster, RegistryProcess registry,
                          int servedCount) {
        this.dir = dir;
        this.progress = progress;
        this.cluster = cluster;
        this.registry = registry;
        this.connection = new PlatformConnection(cluster.bootstrapServers(), registry.confluentApiUrl(), null,
                "http://" + LoopbackPorts.HOST + ":" + catalogPort, Map.of());
        try (Admin admin = KafkaClients.of(connection).admin("mint-chaos-admin")) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).provision(Topics.ALL, false);
        }
        this.baseDir = dir.resolve(BASE);
        this.storeRoot = dir.resolve("store");
        BaseModelInitializer.write(baseDir, ModelPreset.micro(), 11L, DType.F32);
        List<ServedAdapters.Served> served = ServedAdapters.write(new FilesystemAdapterStore(storeRoot),
                ModelPreset.micro(), "chaos" + runId, servedCount, i -> 2 + i % 3, 5L, progress);
        ServedAdapters.publish(connection, BASE, served);
        this.servedPolicies = served.stream().map(ServedAdapters.Served::policyId).toList();
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts every part and returns once the workers take packs. */
    public static ChaosPlatform start(Path dir, int servedPolicies, Consumer<String> progress) {
        progress.accept("starting a Kafka cluster (1 controller + 3 brokers) and the registry ...");
        KafkaProcessCluster cluster = KafkaProcessCluster.start(dir.resolve("kafka"), 3, Duration.ofSeconds(120));
        RegistryProcess registry = null;
        ChaosPlatform platform = null;
        try {
            registry = RegistryProcess.start(dir, Duration.ofSeconds(180));
            platform = new ChaosPlatform(dir, progress, cluster, registry, servedPolicies);
            progress.accept("starting catalog, orchestrator, scheduler and two workers as processes ...");
            platform.startCatalog();
            platform.startService("orchestrator", List.of("orchestrator", "--state-dir",
                    dir.resolve("orchestrator-state").toString(), "--application-id", "chaos-orch-" + platform.runId));
            platform.startService("scheduler", List.of("scheduler", "--state-dir",
                    dir.resolve("scheduler-state").toString(), "--application-id", "chaos-sched-" + platform.runId,
                    "--set", "worker.heartbeat.timeout.ms=3000"));
            platform.startWorker();
            platform.startWorker();
            return platform;
        } catch (RuntimeException e) {
            if (platform != null) {
                platform.close();
            } else {
                if (registry != null) {
                    registry.close();
                }
                cluster.close();
            }
            throw e;
        }
    }

    private List<String> connectionArgs() {
        return List.of("--bootstrap-servers", connection.bootstrapServers(),
                "--schema-registry-url", connection.schemaRegistryUrl());
    }

    private MintJvm startService(String name, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(connectionArgs());
        int metricsPort = LoopbackPorts.pickFree();
        all.addAll(List.of("--set", "metrics.port=" + metricsPort));
        MintJvm jvm = MintJvm.start(name, name.startsWith("worker") ? "512m" : "384m", dir.resolve("logs"), all);
        services.put(name, jvm);
        metricsPorts.put(name, metricsPort);
        return jvm;
    }

    /** Starts the catalog app on its state directory (kept across restarts unless deleted). */
    public MintJvm startCatalog() {
        return startService("catalog", List.of("catalog", "--state-dir", catalogStateDir().toString(),
                "--application-id", "chaos-catalog-" + runId, "--http-port", Integer.toString(catalogPort)));
    }

    public Path catalogStateDir() {
        return dir.resolve("catalog-state");
    }

    /** Starts one more worker (all roles, one group) with a new id. */
    public MintJvm startWorker() {
        String id = "chaos" + runId + "-w" + (++workersStarted);
        MintJvm worker = startService(id, List.of("worker", "--base", baseDir.toString(), "--store",
                storeRoot.toString(), "--set", "worker.id=" + id, "--set", "group.id=chaos-workers-" + runId,
                "--set", "engine.threads=1", "--set", "heartbeat.interval.ms=500",
                "--set", "inference.max.batch=2", "--set", "inference.queue.capacity=8"));
        workers.add(worker);
        return worker;
    }

    /** The service JVM named {@code name} ("catalog", "orchestrator", "scheduler" or a worker id), as last started. */
    public MintJvm service(String name) {
        MintJvm jvm = services.get(name);
        if (jvm == null) {
            throw new IllegalArgumentException("no service " + name + "; running: " + services.keySet());
        }
        return jvm;
    }

    /** Workers that run now. */
    public List<MintJvm> liveWorkers() {
        return workers.stream().filter(MintJvm::alive).toList();
    }

    /** Every service JVM's name and its metrics port. */
    public Map<String, Integer> metricsPorts() {
        return Map.copyOf(metricsPorts);
    }

    /** Service JVMs that run now, by name. */
    public Map<String, MintJvm> liveServices() {
        Map<String, MintJvm> live = new LinkedHashMap<>();
        services.forEach((n, j) -> {
            if (j.alive()) {
                live.put(n, j);
            }
        });
        return live;
    }

    public PlatformConnection connection() {
        return connection;
    }

    public KafkaProcessCluster cluster() {
        return cluster;
    }

    /** Stops the registry (SIGTERM); its schemas stay in its file-backed database. */
    public synchronized void stopRegistry() {
        registry.close();
    }

    /** Starts the registry again on the same port and database, so its clients find it where they left it. */
    public synchronized void restartRegistry() {
        registry = RegistryProcess.start(dir, registry.port(), Duration.ofSeconds(180));
    }

    public List<String> servedPolicies() {
        return servedPolicies;
    }

    public Path storeRoot() {
        return storeRoot;
    }

    public String runId() {
        return runId;
    }

    public Path dir() {
        return dir;
    }

    /** The last lines of every service's log, to show when a scenario fails. */
    public String logs() {
        StringBuilder all = new StringBuilder();
        services.forEach((n, j) -> all.append("---- ").append(n).append(j.alive() ? "" : " (exited)").append('\n')
                .append(j.logTail(2500)).append('\n'));
        return all.toString();
    }

    private synchronized void killServices() {
        services.values().forEach(MintJvm::close);
        workers.forEach(MintJvm::close);
    }

    @Override
    public void close() {
        killServices();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
        registry.close();
        cluster.close();
    }
}
