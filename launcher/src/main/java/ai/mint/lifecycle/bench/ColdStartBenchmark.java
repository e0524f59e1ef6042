package ai.mint.lifecycle.bench;

import ai.mint.client.MintClient;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.bench.BenchSupport;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.events.SamplingParams;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import ai.mint.common.store.FilesystemAdapterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint bench cold-start}: a Zipf workload over many adapters (10,000; 1,000 with {@code --quick}) through the
 * scheduler, on a worker whose device tier holds only a few dozen of them, so that the tail is cold. Two workers of
 * the same tiny base, each with its own copy of the adapters (and a base id of its own, so the scheduler keeps their
 * requests apart): one acts on the loads the scheduler sends ahead of each cold pack (prefetch: the load runs off
 * the model thread while earlier packs are answered), the other ignores them and loads each adapter when its pack
 * runs (load on demand). The same request draws go to both, in alternating order. "ratio" = on-demand p99 over
 * prefetch p99.
 */
@Command(name = "cold-start", description = "Zipf over many adapters: loads scheduled ahead (prefetch) vs loaded on"
        + " demand at the worker: p99 and throughput.")
public final class ColdStartBenchmark implements MintBenchmark, Callable<Integer> {

    static final double ZIPF_EXPONENT = 1.0;
    /** About 64 adapters of the mean rank fit the device tier, 256 the CPU tier: most of the tail is cold. */
    static final long DEVICE_BUDGET = 2L << 20;
    static final long CPU_BUDGET = 8L << 20;

    @Option(names = "--quick", description = "1,000 adapters, 200 requests a run, 5 runs per variant.")
    boolean quick;

    private record Variant(String name, String baseId, String prefix, boolean prefetch) {
    }

    @Override
    public Integer call() throws Exception {
        int adapters = quick ? 1_000 : 10_000;
        int requests = quick ? 200 : 600;
        int runs = quick ? 5 : 6;
        Variant prefetch = new Variant("prefetch (loads scheduled ahead)", "cold-pre", "pre", true);
        Variant onDemand = new Variant("load on demand at the worker", "cold-ond", "ond", false);
        Path work = Files.createTempDirectory("mint-bench-cold-start-");
        Path base = BenchSupport.base(ModelPreset.TINY, false);
        ModelConfig config = ModelPreset.TINY.config(false);
        SamplingParams sampling = SamplingParams.newBuilder().setMaxTokens(8).setTemperature(0).build();
        System.out.printf(Locale.ROOT, "cold-start: %d adapters per variant (ranks 1-8), Zipf s=%.1f, %d requests a "
                + "run, load %.2f%n", adapters, ZIPF_EXPONENT, requests, ServingLoad.loadAverage());
        List<AutoCloseable> running = new ArrayList<>();
        try {
            System.out.println("  starting the platform (broker, registry) ...");
            EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(work.resolve("platform")));
            running.add(platform);
            FilesystemAdapterStore store = new FilesystemAdapterStore(work.resolve("adapters"));
            Map<Variant, List<String>> policies = new java.util.LinkedHashMap<>();
            for (Variant v : List.of(prefetch, onDemand)) {
                var served = ServedAdapters.write(store, config, v.prefix(), adapters, i -> 1 + i % 8, 17L,
                        System.out::println);
                ServedAdapters.publish(platform.connection(), v.baseId(), served);
                policies.put(v, served.stream().map(ServedAdapters.Served::policyId).toList());
                System.out.println("  " + adapters + " adapters stored and served for " + v.name());
            }
            KafkaStreams scheduler = SchedulerApp.start(new SchedulerConfig(Map.of(
                    SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                    SchedulerConfig.STATE_DIR, work.resolve("scheduler").toString())));
            running.add(() -> SchedulerApp.stop(scheduler, Duration.ofSeconds(30)));
            for (Variant v : List.of(prefetch, onDemand)) {
                running.add(Worker.start(new WorkerConfig(Map.of(
                        WorkerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                        WorkerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                        WorkerConfig.WORKER_ID, "bench-" + v.prefix(),
                        WorkerConfig.ROLES, "inference",
                        WorkerConfig.BASE_DIR, base.toString(),
                        WorkerConfig.BASE_MODEL, v.baseId(),
                        WorkerConfig.STORE_ROOT, store.root().toString(),
                        WorkerConfig.ADAPTER_DEVICE_BUDGET, DEVICE_BUDGET,
                        WorkerConfig.ADAPTER_CPU_CACHE, CPU_BUDGET,
                        WorkerConfig.INFERENCE_PREFETCH, v.prefetch()))));
            }
            MintClient client = new MintClient(platform.connection(), Duration.ofSeconds(300));
            running.add(client);
            client.awaitCatalog();

            Map<Variant, List<Double>> p99 = new java.util.LinkedHashMap<>();
            Map<Variant, List<Double>> p50 = new java.util.LinkedHashMap<>();
            Map<Variant, List<Double>> throughput = new java.util.LinkedHashMap<>();
            for (int round = 0; round <= runs; round++) {
                // alternate which variant goes first; round 0 warms both (JIT, producers, the Zipf head)
                List<Variant> order = round % 2 == 0 ? List.of(prefetch, onDemand) : List.of(onDemand, prefetch);
                for (Variant v : order) {
                    List<String> draws = ServingLoad.zipf(policies.get(v), requests, ZIPF_EXPONENT, 1000L + round);
                    ServingLoad.Burst b = ServingLoad.burst(client, draws, sampling, "Hello, ");
                    System.out.printf(Locale.ROOT, "  %s %-34s p50 %7.1f ms  p99 %7.1f ms  %6.1f req/s  (load %.2f)%n",
                            round == 0 ? "warm-up" : "run " + round, v.name(), b.p50(), b.p99(), b.throughput(),
                            ServingLoad.loadAverage());
                    if (round > 0) {
                        p99.computeIfAbsent(v, k -> new ArrayList<>()).add(b.p99());
                        p50.computeIfAbsent(v, k -> new ArrayList<>()).add(b.p50());
                        throughput.computeIfAbsent(v, k -> new ArrayList<>()).add(b.throughput());
                    }
                }
            }
            BenchReport report = new BenchReport("cold-start", "Zipf (s=" + ZIPF_EXPONENT + ") over " + adapters
                    + " adapters, " + requests + " greedy 8-token requests a run, tiny base, device tier ~64 adapters")
                    .columns("variant", "p99 ms (median)", "p99 min", "p99 max", "p50 ms", "req/s (median)",
                            "req/s min", "req/s max", "runs");
            for (Variant v : List.of(prefetch, onDemand)) {
                report.row(v.name(), ServingLoad.median(p99.get(v)), ServingLoad.min(p99.get(v)),
                        ServingLoad.max(p99.get(v)), ServingLoad.median(p50.get(v)),
                        ServingLoad.median(throughput.get(v)), ServingLoad.min(throughput.get(v)),
                        ServingLoad.max(throughput.get(v)), runs);
            }
            double ratio = ServingLoad.median(p99.get(onDemand)) / ServingLoad.median(p99.get(prefetch));
            report.figure("adapters", adapters);
            report.figure("p99_prefetch_ms", ServingLoad.median(p99.get(prefetch)));
            report.figure("p99_on_demand_ms", ServingLoad.median(p99.get(onDemand)));
            report.figure("throughput_prefetch_rps", ServingLoad.median(throughput.get(prefetch)));
            report.figure("throughput_on_demand_rps", ServingLoad.median(throughput.get(onDemand)));
            report.figure("throughput_ratio", ServingLoad.median(throughput.get(prefetch))
                    / ServingLoad.median(throughput.get(onDemand)));
            report.figure("load_average_1m", ServingLoad.loadAverage());
            report.ratio(ratio, "on-demand p99 over prefetch p99");
            report.note("the MinT paper treats cold loads as scheduled service work but gives no figure for it");
            report.note("both variants share the 2 cores; a load overlaps generation only as far as the cores are free"
                    + "; adapters here are 7-57 KB, so a cold load (read, sha-256, decode, upload) is small next to a"
                    + " batch's decode steps");
            report.publish();
            return 0;
        } finally {
            ServingLoad.closeAll(running, work);
        }
    }
}
