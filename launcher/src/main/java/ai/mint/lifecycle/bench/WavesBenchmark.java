package ai.mint.lifecycle.bench;

import ai.mint.client.MintClient;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.bench.BenchSupport;
import ai.mint.engine.model.ModelPreset;
import ai.mint.events.SamplingParams;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.common.store.FilesystemAdapterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint bench waves}: 1,000 adapters active at once across three worker processes ({@code mint worker} JVMs)
 * behind the scheduler. The same number of requests, of the same prompt and length, either all for one adapter or
 * spread over 1,000 distinct ones (each request its own policy, in random order), in alternating rounds; "ratio" =
 * throughput with 1,000 adapters over throughput with one (the goal is at least 0.7: S-LoRA reports a small loss with
 * thousands of adapters).
 */
@Command(name = "waves", description = "1,000 adapters active at once across 3 worker processes vs 1 adapter:"
        + " throughput ratio.")
public final class WavesBenchmark implements MintBenchmark, Callable<Integer> {

    static final int ADAPTERS = 1_000;
    static final int WORKERS = 3;
    static final String BASE_ID = "waves-tiny";

    @Option(names = "--quick", description = "1,000 requests a run (each adapter once), 5 runs per variant.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        int requests = quick ? ADAPTERS : 3 * ADAPTERS;
        int runs = quick ? 5 : 6;
        Path work = Files.createTempDirectory("mint-bench-waves-");
        Path base = BenchSupport.base(ModelPreset.TINY, false).toAbsolutePath();
        SamplingParams sampling = SamplingParams.newBuilder().setMaxTokens(8).setTemperature(0).build();
        System.out.printf(Locale.ROOT, "waves: %d adapters, %d worker processes, %d requests a run, load %.2f%n",
                ADAPTERS, WORKERS, requests, ServingLoad.loadAverage());
        List<AutoCloseable> running = new ArrayList<>();
        try {
            System.out.println("  starting the platform (broker, registry) ...");
            EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(work.resolve("platform")));
            running.add(platform);
            FilesystemAdapterStore store = new FilesystemAdapterStore(work.resolve("adapters"));
            var served = ServedAdapters.write(store, ModelPreset.TINY.config(false), "wave", ADAPTERS, i -> 1 + i % 8,
                    23L, System.out::println);
            ServedAdapters.publish(platform.connection(), BASE_ID, served);
            List<String> all = served.stream().map(ServedAdapters.Served::policyId).toList();
            KafkaStreams scheduler = SchedulerApp.start(new SchedulerConfig(Map.of(
                    SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                    SchedulerConfig.STATE_DIR, work.resolve("scheduler").toString())));
            running.add(() -> SchedulerApp.stop(scheduler, Duration.ofSeconds(30)));
            for (int w = 1; w <= WORKERS; w++) {
                running.add(WorkerJvm.start(platform, "waves-w" + w, base, store.root(), work,
                        "base.model=" + BASE_ID, "heartbeat.interval.ms=1000"));
            }
            MintClient client = new MintClient(platform.connection(), Duration.ofSeconds(300));
            running.add(client);
            System.out.println("  waiting for the " + WORKERS + " workers ...");
            ServingLoad.burst(client, List.of(all.get(0)), sampling, "Hello, "); // answered once one is up

            List<String> single = Collections.nCopies(requests, all.get(0));
            Map<String, List<Double>> throughput = new LinkedHashMap<>();
            Map<String, List<Double>> p99 = new LinkedHashMap<>();
            String one = "1 adapter";
            String many = ADAPTERS + " distinct adapters";
            // two warm-up rounds: a cold adapter goes to whichever worker has room, so each worker meets most of the
            // 1,000 for the first time over the first two rounds
            int warmUps = 2;
            for (int round = 1 - warmUps; round <= runs; round++) {
                List<String> order = Math.floorMod(round, 2) == 0 ? List.of(one, many) : List.of(many, one);
                for (String variant : order) {
                    List<String> draws = variant.equals(one) ? single : spread(all, requests, round + warmUps);
                    ServingLoad.Burst b = ServingLoad.burst(client, draws, sampling, "Hello, ");
                    System.out.printf(Locale.ROOT, "  %s %-24s %7.1f req/s  p99 %7.1f ms  (load %.2f)%n",
                            round <= 0 ? "warm-up" : "run " + round, variant, b.throughput(), b.p99(),
                            ServingLoad.loadAverage());
                    if (round > 0) {
                        throughput.computeIfAbsent(variant, k -> new ArrayList<>()).add(b.throughput());
                        p99.computeIfAbsent(variant, k -> new ArrayList<>()).add(b.p99());
                    }
                }
            }
            double ratio = ServingLoad.median(throughput.get(many)) / ServingLoad.median(throughput.get(one));
            BenchReport report = new BenchReport("waves", requests + " greedy 8-token requests a run across "
                    + WORKERS + " worker processes (tiny base) through the scheduler")
                    .columns("variant", "req/s (median)", "req/s min", "req/s max", "p99 ms (median)", "runs");
            for (String variant : List.of(one, many)) {
                report.row(variant, ServingLoad.median(throughput.get(variant)),
                        ServingLoad.min(throughput.get(variant)), ServingLoad.max(throughput.get(variant)),
                        ServingLoad.median(p99.get(variant)), runs);
            }
            report.figure("adapters", ADAPTERS);
            report.figure("workers", WORKERS);
            report.figure("throughput_one_rps", ServingLoad.median(throughput.get(one)));
            report.figure("throughput_many_rps", ServingLoad.median(throughput.get(many)));
            report.figure("goal_ratio", 0.7);
            report.figure("load_average_1m", ServingLoad.loadAverage());
            report.ratio(ratio, "throughput with " + ADAPTERS + " adapters over throughput with 1");
            report.note("the MinT paper runs thousand-adapter active waves at cluster scale without a figure; S-LoRA "
                    + "reports a small loss with thousands of adapters, hence the goal of 0.7");
            report.note("three worker JVMs share 2 cores (one PyTorch thread each)");
            report.publish();
            return 0;
        } finally {
            ServingLoad.closeAll(running, work);
        }
    }

    /** Each adapter in turn, as often as the request count allows, in a random order per round. */
    private static List<String> spread(List<String> adapters, int requests, int round) {
        List<String> draws = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            draws.add(adapters.get(i % adapters.size()));
        }
        Collections.shuffle(draws, new Random(round));
        return draws;
    }
}
