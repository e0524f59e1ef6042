package ai.mint.lifecycle.bench;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.client.MintClient;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.bench.ProgressTicker;
import ai.mint.common.bench.Sample;
import ai.mint.common.bench.Stats;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.model.Projection;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import ai.mint.worker.store.StoredArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint bench pipeline-overhead}: what the topics cost a sampling request. The same greedy request is timed as
 * a direct call into the worker's engine and as a round trip through the platform (client -> inference topic ->
 * scheduler -> the worker's work topic -> worker -> response topic -> client) on the embedded broker; "ratio" is p50
 * through Kafka over p50 direct. Also the
 * handoff latency: from publishing an exported, evaluated revision to the first response that revision serves
 * (catalog promotion, catalog topic, the worker's pointer switch, adapter load).
 */
@Command(name = "pipeline-overhead", description = "Sampling through the topics vs a direct engine call; handoff latency.")
public final class PipelineOverheadBenchmark implements MintBenchmark, Callable<Integer> {

    private static final String POLICY = "bench-policy";
    private static final String PROMPT = "The answer is ";
    static final String DIRECT = "direct";
    static final String KAFKA = "through the topics";
    static final String HANDOFF = "handoff";

    @Option(names = "--quick", description = "Fewer requests and handoffs.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        int requests = quick ? 50 : 200;
        int handoffs = quick ? 5 : 9;
        Path work = Files.createTempDirectory("mint-bench-pipeline-");
        Path base = work.resolve("tiny");
        BaseModelInitializer.write(base, ModelPreset.TINY.config(false), 42L, DType.F32);
        ModelConfig config = ModelPreset.TINY.config(false);
        ProgressTicker setUp = ProgressTicker.start("pipeline-overhead: set-up",
                () -> "starting the broker, registry, catalog and worker; promoting rev-1");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(work.resolve("platform")));
             RunningCatalog catalog = CatalogApp.start(new CatalogConfig(Map.of(
                     CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                     CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                     CatalogConfig.STATE_DIR, work.resolve("catalog").toString(),
                     CatalogConfig.HTTP_PORT, 0)));
             KafkaStreams scheduler = SchedulerApp.start(new SchedulerConfig(Map.of(
                     SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                     SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                     SchedulerConfig.STATE_DIR, work.resolve("scheduler").toString())));
             Worker worker = Worker.start(new WorkerConfig(Map.of(
                     WorkerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                     WorkerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                     PlatformConnection.CATALOG_URL, catalog.queryUrl(),
                     WorkerConfig.WORKER_ID, "bench-worker",
                     WorkerConfig.ROLES, "inference",
                     WorkerConfig.BASE_DIR, base.toString(),
                     WorkerConfig.STORE_ROOT, work.resolve("adapters").toString())));
             MintClient client = new MintClient(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                     Duration.ofSeconds(60));
             RevisionPublisher revisions = new RevisionPublisher(platform.connection(), "tiny")) {
            client.createPolicy(RevisionPublisher.spec(POLICY, "tiny")).get(60, TimeUnit.SECONDS);
            publishRevision(worker, revisions, config, work, 1);
            awaitServing(client, "rev-1");
            setUp.close();

            SamplingParams sampling = SamplingParams.newBuilder().setMaxTokens(8).setTemperature(0).build();
            // one request per run, the two paths alternated; warm-ups cover adapter load, JIT, producer metadata
            BenchResult latency = BenchRun.of("pipeline-overhead").warmUps(3).rounds(requests)
                    .variant(DIRECT, s -> direct(worker, sampling, s))
                    .variant(KAFKA, s -> {
                        InferenceResponse r = s.timed("request",
                                () -> client.sample(POLICY, PROMPT, sampling, null).get(60, TimeUnit.SECONDS));
                        if (r.getError() != null) {
                            throw new IllegalStateException("sampling failed: " + r.getError());
                        }
                    })
                    .run();
            int[] revision = {1};
            BenchResult handoff = BenchRun.of("pipeline-handoff").warmUps(1).rounds(handoffs)
                    .variant(HANDOFF, s -> s.time("handoff", () -> {
                        int rev = ++revision[0];
                        publishRevision(worker, revisions, config, work, rev);
                        awaitServed(client, sampling, "rev-" + rev);
                    }))
                    .run();
            Stats directMs = latency.variant(DIRECT).total();
            Stats kafkaMs = latency.variant(KAFKA).total();
            Stats handoffMs = handoff.variant(HANDOFF).total();
            BenchReport report = new BenchReport("pipeline-overhead",
                    "one greedy 8-token sample from a rank-8 adapter on the tiny base, " + requests + " requests each")
                    .columns("path", "p50 ms", "p99 ms", "min ms", "max ms", "requests")
                    .row(DIRECT + " (direct engine call in the worker)", directMs.median(), directMs.percentile(99),
                            directMs.min(), directMs.max(), directMs.runs())
                    .row(KAFKA + " (client -> scheduler -> worker -> client)", kafkaMs.median(), kafkaMs.percentile(99),
                            kafkaMs.min(), kafkaMs.max(), kafkaMs.runs())
                    .row(HANDOFF + ": exported revision -> first response by it", handoffMs.median(),
                            handoffMs.percentile(99), handoffMs.min(), handoffMs.max(), handoffMs.runs())
                    .variants(latency).variants(handoff);
            report.figure("p50_direct_ms", directMs.median());
            report.figure("p50_kafka_ms", kafkaMs.median());
            report.figure("p99_direct_ms", directMs.percentile(99));
            report.figure("p99_kafka_ms", kafkaMs.percentile(99));
            report.figure("handoff_p50_ms", handoffMs.median());
            report.ratio(latency.ratioOfMedians(KAFKA, DIRECT),
                    "p50 latency through Kafka over p50 of the direct engine call");
            report.note("the scheduler adds a pack window and an exactly-once commit (settings pack.window.ms, "
                    + "commit.interval.ms) to every request");
            report.note("embedded single broker on loopback, acks=all; the two paths alternate request by request; "
                    + "the handoff includes the catalog app's exactly-once commit, the compacted catalog topic, the "
                    + "worker's pointer switch and adapter load");
            report.publish();
            return 0;
        } finally {
            setUp.close();
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Stores a new random adapter as revision {@code rev-N} and publishes its update, export and eval results. */
    private static void publishRevision(Worker worker, RevisionPublisher revisions, ModelConfig config, Path work,
                                        int n) throws Exception {
        LoraWeights weights = LoraWeights.random(config, EnumSet.of(Projection.Q, Projection.V), 8, 16f, n, true);
        Path dir = work.resolve("export-" + n);
        PeftAdapterIo.write(dir, weights, config);
        StoredArtifact stored = worker.runtime().store().put(POLICY, "sampler", "rev-" + n, dir);
        revisions.publish(POLICY, n, stored);
    }

    /** One request straight into the worker's engine, timed from the call to the last token. */
    private static void direct(Worker worker, SamplingParams sampling, Sample s) throws Exception {
        // the revision the Kafka path is served by during the timed requests
        String adapter = worker.runtime().adapterFor(POLICY, "rev-1", null, null);
        int[] tokens = worker.runtime().encode(PROMPT);
        List<GenerationRequest> request = List.of(new GenerationRequest(adapter, tokens,
                new ai.mint.engine.GenerationParams(sampling.getMaxTokens(), 0, 1, 0,
                        Set.of(worker.runtime().eosToken()))));
        s.time("request", () -> worker.runtime().generate(request));
    }

    /** Samples until a response comes from {@code revision}; fails after 60 s. */
    private static void awaitServed(MintClient client, SamplingParams sampling, String revision) throws Exception {
        long start = System.nanoTime();
        while (!revision.equals(client.sample(POLICY, PROMPT, sampling, null).get(60, TimeUnit.SECONDS)
                .getRevision())) {
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                throw new IllegalStateException(revision + " was not served within 60 s");
            }
        }
    }

    private static void awaitServing(MintClient client, String revision) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!revision.equals(client.policy(POLICY).map(e -> e.getServingRevision()).orElse(null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(revision + " was not promoted within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
