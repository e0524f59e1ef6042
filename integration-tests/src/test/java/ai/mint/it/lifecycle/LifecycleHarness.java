package ai.mint.it.lifecycle;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.client.MintClient;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.events.EvalSpec;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.TrainingSpec;
import ai.mint.orchestration.OrchestratorApp;
import ai.mint.orchestration.OrchestratorConfig;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The lifecycle's moving parts for one test class on the shared embedded platform: a micro base model, the catalog
 * app, the orchestrator, the scheduler (inference goes through its packs), a worker and a client, each with ids of
 * their own so that classes do not share state.
 */
final class LifecycleHarness implements AutoCloseable {

    static final String BASE = "micro";

    final EmbeddedPlatform platform;
    final Path dir;
    final Path baseDir;
    final Path storeRoot;
    final String runId = UUID.randomUUID().toString().substring(0, 8);
    final RunningCatalog catalog;
    final KafkaStreams orchestrator;
    final KafkaStreams scheduler;
    final MintClient client;
    Worker worker;

    LifecycleHarness(EmbeddedPlatform platform) throws IOException {
        this(platform, 1f);
    }

    /**
     * @param headScale factor on the base's lm_head: a random micro base caps its logits near +-0.6, so a test that
     *                  must see a policy learn sharpens it (10, as the engine's training tests do); 1 keeps it as made
     */
    LifecycleHarness(EmbeddedPlatform platform, float headScale) throws IOException {
        this.platform = platform;
        this.dir = Files.createTempDirectory("mint-lifecycle-it-");
        this.baseDir = dir.resolve(BASE);
        Map<String, HostTensor> tensors = BaseModelInitializer.tensors(TestModels.microDense(), 11L);
        if (headScale != 1f) {
            HostTensor head = tensors.get("lm_head.weight");
            float[] scaled = head.floats().clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= headScale;
            }
            tensors.put("lm_head.weight", HostTensor.ofFloats("lm_head.weight", head.shape(), scaled));
        }
        BaseModelInitializer.writeCheckpoint(baseDir, TestModels.microDense(), tensors, DType.F32);
        this.storeRoot = dir.resolve("store");
        this.catalog = CatalogApp.start(new CatalogConfig(Map.of(
                CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                CatalogConfig.APPLICATION_ID, "it-catalog-" + runId,
                CatalogConfig.STATE_DIR, dir.resolve("catalog-state").toString(),
                CatalogConfig.HTTP_PORT, 0)));
        this.orchestrator = OrchestratorApp.start(new OrchestratorConfig(Map.of(
                OrchestratorConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                OrchestratorConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                OrchestratorConfig.APPLICATION_ID, "it-orchestrator-" + runId,
                OrchestratorConfig.STATE_DIR, dir.resolve("orchestrator-state").toString())));
        this.scheduler = SchedulerApp.start(new SchedulerConfig(Map.of(
                SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                SchedulerConfig.APPLICATION_ID, "it-scheduler-" + runId,
                SchedulerConfig.STATE_DIR, dir.resolve("scheduler-state").toString())));
        this.worker = startWorker("worker-a");
        this.client = new MintClient(platform.connection().withCatalog(catalog.queryUrl()), Duration.ofSeconds(60));
    }

    Worker startWorker(String name) {
        return Worker.start(new WorkerConfig(Map.of(
                WorkerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                WorkerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                PlatformConnection.CATALOG_URL, catalog.queryUrl(),
                WorkerConfig.WORKER_ID, name + "-" + runId,
                WorkerConfig.GROUP_ID, "it-workers-" + runId,
                WorkerConfig.BASE_DIR, baseDir.toString(),
                WorkerConfig.STORE_ROOT, storeRoot.toString(),
                WorkerConfig.HEARTBEAT_MS, 1000)));
    }

    /** A policy that trains {@code steps} steps on two prompts and is promoted whenever eval runs. */
    static PolicySpec spec(String policyId, int steps, String rewardSpec) {
        return PolicySpec.newBuilder()
                .setEventId("set-by-client").setPolicyId(policyId).setTime(Instant.now())
                .setBaseModel(BASE)
                .setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of("q_proj", "v_proj")).build())
                .setRewardSpec(rewardSpec)
                .setTraining(TrainingSpec.newBuilder().setPrompts(List.of("ab", "cd")).setGroupSize(4).setSteps(steps)
                        .setLearningRate(0.05).setMaxTokens(6).setTemperature(1.0).setKlCoef(0).setSeed(5).build())
                .setEval(EvalSpec.newBuilder().setPrompts(List.of("ef")).setSamplesPerPrompt(2).setMetric("reward").build())
                // any score passes, so every evaluated revision is promoted and the test does not depend on learning
                .setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(-1e9).setMinImprovement(-1e9).build())
                .build();
    }

    @Override
    public void close() throws IOException {
        client.close();
        if (worker != null) {
            worker.close();
        }
        SchedulerApp.stop(scheduler, Duration.ofSeconds(30));
        OrchestratorApp.stop(orchestrator);
        catalog.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
