package ai.mint.lifecycle.bench;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.client.MintClient;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.safetensors.DType;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
/**
 * The serving path the benchmarks measure, started in a temporary directory: the embedded platform, the catalog, the
 * scheduler, one inference worker over the tiny base (its metrics on a free port), a client, and one policy whose revisions are
 * random adapters published without training. Closing stops everything and deletes the directory.
 */
final class ServingBench implements AutoCloseable {

    static final String BASE = "tiny";

    final Path work;
    final ModelConfig config = ModelPreset.TINY.config(false);
    final String policy;
    final EmbeddedPlatform platform;
    final RunningCatalog catalog;
    final KafkaStreams scheduler;
    final Worker worker;
    final MintClient client;
    final RevisionPublisher revisions;

    /**
     * @param name      names the temporary directory
     * @param policy    the policy to create (served once {@link #publish} has run)
     * @param worker    worker settings beyond the defaults (e.g. its batch size)
     * @param scheduler scheduler settings beyond the defaults (e.g. its pack window)
     */
    ServingBench(String name, String policy, Map<String, Object> worker, Map<String, Object> scheduler)
            throws Exception {
        this.work = Files.createTempDirectory("mint-bench-" + name + "-");
        this.policy = policy;
        Path base = work.resolve(BASE);
        BaseModelInitializer.write(base, config, 42L, DType.F32);
        this.platform = EmbeddedPlatform.start(PlatformOptions.embedded(work.resolve("platform")));
        this.catalog = CatalogApp.start(new CatalogConfig(Map.of(
                CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                CatalogConfig.STATE_DIR, work.resolve("catalog").toString(),
                CatalogConfig.HTTP_PORT, 0)));
        Map<String, Object> schedulerSettings = new HashMap<>(Map.of(
                SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                SchedulerConfig.STATE_DIR, work.resolve("scheduler").toString()));
        schedulerSettings.putAll(scheduler);
        this.scheduler = SchedulerApp.start(new SchedulerConfig(schedulerSettings));
        Map<String, Object> settings = new HashMap<>(Map.of(
                WorkerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                WorkerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                PlatformConnection.CATALOG_URL, catalog.queryUrl(),
                WorkerConfig.WORKER_ID, "bench-worker",
                WorkerConfig.ROLES, "inference",
                WorkerConfig.BASE_DIR, base.toString(),
                WorkerConfig.STORE_ROOT, work.resolve("adapters").toString(),
                MetricsConfig.PORT, 0));
        settings.putAll(worker);
        this.worker = Worker.start(new WorkerConfig(settings));
        this.client = new MintClient(platform.bootstrapServers(), platform.schemaRegistryUrl(), Duration.ofSeconds(60));
        this.revisions = new RevisionPublisher(platform.connection(), BASE);
        client.createPolicy(RevisionPublisher.spec(policy, BASE)).get(60, TimeUnit.SECONDS);
    }

    /** Stores a new random adapter as revision {@code rev-N} and publishes its update, export and eval results. */
    void publish(int n) throws Exception {
        revisions.publishRandom(worker.runtime().store(), config, work, policy, n);
    }

    /** Waits until the catalog serves {@code revision}. */
    void awaitServing(String revision) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!revision.equals(client.policy(policy).map(e -> e.getServingRevision()).orElse(null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(revision + " was not promoted within 60 s");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws IOException {
        revisions.close();
        client.close();
        worker.close();
        SchedulerApp.stop(scheduler, Duration.ofSeconds(30));
        catalog.close();
        platform.close();
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
