package ai.mint.worker.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.Stats;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TokenSink;
import ai.mint.engine.WorkingSetStats;
import ai.mint.engine.bench.BenchSupport;
import ai.mint.engine.model.ModelPreset;
import ai.mint.training.bench.TrainingBenchSupport;
import ai.mint.worker.ModelRuntime;
import ai.mint.worker.store.FilesystemAdapterStore;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code mint bench sweep}: one engine serves one request for each of 100,000 distinct adapters (ranks 1 to 8,
 * created in a real store by the benchmark), every adapter cold when its request arrives, under a device budget of a
 * few hundred MB: adapters per second, request latency (p50/p99, cold load included: open + verify sha-256 + decode
 * + upload on the loader threads, then prefill and decode in the shared continuous batch), the device bytes at most
 * (never above the budget) and the resident set at 10 %, 50 % and 100 % of the sweep (flat: every tier is bounded).
 * The engine runs in a child JVM of its own with a fixed heap, so its memory is the sweep's alone. The worker's own
 * path: {@link ModelRuntime#adapterFor} (register) and {@link ModelRuntime#serve}, a window of requests in flight.
 */
@Command(name = "sweep", description = "One engine through 100,000 distinct cold adapters under a device budget.")
public final class SweepBenchmark implements MintBenchmark, Callable<Integer> {

    static final String NAME = "sweep";

    @Option(names = "--quick", description = "10,000 adapters (about a minute once they exist on disk).")
    boolean quick;

    @Option(names = "--adapters", description = "Adapters to sweep (default 100,000; 10,000 with --quick).")
    Integer adapters;

    @Option(names = "--device-budget-mb", description = "Device budget for adapters (MB; default 256, 32 with --quick, "
            + "so that the quick sweep fills it early and shows the resident set flat after).")
    Long deviceBudgetMb;

    @Option(names = "--cpu-budget-mb", defaultValue = "64", description = "CPU-tier budget for decoded adapters (MB).")
    long cpuBudgetMb;

    @Option(names = "--window", defaultValue = "64", description = "Requests in flight at once.")
    int window;

    @Override
    public Integer call() {
        int n = adapters != null ? adapters : quick ? 10_000 : 100_000;
        long deviceBudgetMb = this.deviceBudgetMb != null ? this.deviceBudgetMb : quick ? 32 : 256;
        Path base = BenchSupport.base(ModelPreset.TINY, false);
        Path root = BenchSupport.workDir("sweep-store").toAbsolutePath();
        System.out.printf("%s: %,d adapters (ranks 1-8, q_proj+v_proj) in %s; device budget %d MB, CPU tier %d MB, "
                + "%d requests in flight%n", NAME, n, root, deviceBudgetMb, cpuBudgetMb, window);
        SweepAdapters.ensure(root, n, ModelPreset.TINY.config(false));
        long device = deviceBudgetMb << 20;
        // a device copy on the CPU lives in direct memory that only a GC returns: bound it near the budget; the heap
        // is touched whole at start, so that the resident set shows what the sweep adds, not the heap filling up
        List<String> jvm = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize="
                + (2 * deviceBudgetMb + 128) + "m");
        JsonNode r = TrainingBenchSupport.runChild(Run.class, jvm, List.of(base.toString(), root.toString(),
                Integer.toString(n), Long.toString(device), Long.toString(cpuBudgetMb << 20),
                Integer.toString(window)), Duration.ofMinutes(20));

        BenchReport report = new BenchReport(NAME, String.format("%,d distinct adapters through one engine, each cold "
                + "at first, device budget %d MB (tiny dense base, CPU)", n, deviceBudgetMb))
                .columns("adapters done", "rss_mb", "device_mb", "cpu_tier_mb", "adapters_per_s_so_far");
        for (JsonNode c : r.get("checkpoints")) {
            report.row(c.get("done").asInt(), c.get("rss_mb").asDouble(), c.get("device_mb").asDouble(),
                    c.get("cpu_mb").asDouble(), c.get("rate").asDouble());
        }
        double rate = r.get("adapters_per_s").asDouble();
        JsonNode cps = r.get("checkpoints");
        double rssFirst = cps.get(0).get("rss_mb").asDouble();
        double rssLast = cps.get(cps.size() - 1).get("rss_mb").asDouble();
        report.figure("adapters", n)
                .figure("adapters_per_s", rate)
                .figure("request_p50_ms", r.get("p50_ms").asDouble())
                .figure("request_p99_ms", r.get("p99_ms").asDouble())
                .figure("request_max_ms", r.get("max_ms").asDouble())
                .figure("failed_requests", r.get("failed").asInt())
                .figure("first_failure", r.get("first_failure").asText())
                .figure("device_budget_bytes", device)
                .figure("peak_device_bytes", r.get("peak_device_bytes").asLong())
                .figure("device_budget_held", r.get("peak_device_bytes").asLong() <= device)
                .figure("peak_rss_mb", r.get("peak_rss_mb").asDouble())
                .figure("rss_growth_first_to_last_checkpoint_mb", rssLast - rssFirst)
                .figure("uploads", r.get("loads").asLong())
                .figure("decodes", r.get("decodes").asLong())
                .figure("evictions", r.get("evictions").asLong())
                .figure("sha256_verifications", r.get("hashes").asLong())
                .figure("load_average", r.get("load_average").asText())
                .ratio(rate, "adapters swept per second (each cold: open, verify, decode, upload, serve)")
                .note("paper: single-engine sweeps through 100K adapters (no rate given); ours is a 2-core CPU with a "
                        + "~1M-parameter base, each adapter served by one 8-token prompt and 4 greedy tokens")
                .note("latency counts from submission to the last token, with " + window + " requests in flight, so it "
                        + "includes the wait for the loader threads and for room in the batch")
                .note("the engine runs in a child JVM with a fixed 512 MB heap; device copies of adapters live in "
                        + "direct memory on a CPU, bounded by -XX:MaxDirectMemorySize near the device budget")
                .note("the machine is shared with other builds: see load_average");
        report.publish();
        return 0;
    }

    /** The sweep in a fresh JVM: prints progress, emits its figures as JSON. */
    public static final class Run {

        private Run() {
        }

        public static void main(String[] args) throws Exception {
            Path base = Path.of(args[0]);
            Path root = Path.of(args[1]);
            int n = Integer.parseInt(args[2]);
            long device = Long.parseLong(args[3]);
            long cpu = Long.parseLong(args[4]);
            int window = Integer.parseInt(args[5]);
            FilesystemAdapterStore store = new FilesystemAdapterStore(root, 4096);
            EngineConfig config = EngineConfig.of(base).withAdapterBudget(device).withCpuCache(cpu)
                    .withLoader(2, 30_000, EngineConfig.DEFAULT_MAX_KNOWN_ADAPTERS);
            try (ModelRuntime runtime = ModelRuntime.open(config, MicroBatchBudget.DEFAULT, 4 * window, store,
                    "tiny")) {
                warmUp(runtime, window);
                Map<String, Object> out = sweep(runtime, store, n, window);
                TrainingBenchSupport.emit(out);
            }
            System.exit(0);
        }

        private static int[] prompt(int i) {
            int[] p = new int[8];
            for (int t = 0; t < p.length; t++) {
                p[t] = 33 + (i * 7 + t * 13) % 90;
            }
            return p;
        }

        /** Base-only requests, so that the timed sweep does not pay for the first forwards (JIT, allocations). */
        private static void warmUp(ModelRuntime runtime, int window) {
            List<GenerationRequest> rows = new ArrayList<>();
            for (int i = 0; i < 2 * window; i++) {
                rows.add(new GenerationRequest(null, prompt(i), GenerationParams.greedy(4)));
            }
            rows.forEach(r -> runtime.serve(r, TokenSink.NONE).join());
        }

        private static Map<String, Object> sweep(ModelRuntime runtime, FilesystemAdapterStore store, int n,
                                                 int window) throws InterruptedException {
            double[] latencyMs = new double[n];
            Semaphore inFlight = new Semaphore(window);
            CountDownLatch finished = new CountDownLatch(n);
            AtomicInteger failed = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic
                    .AtomicReference<>("");
            AtomicInteger done = new AtomicInteger();
            int[] marks = {Math.max(1, n / 10), n / 2, n};
            List<Map<String, Object>> checkpoints = new java.util.concurrent.CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            Thread progress = new Thread(() -> {
                try {
                    while (finished.getCount() > 0) {
                        Thread.sleep(5000);
                        WorkingSetStats s = runtime.workingSetStats();
                        TrainingBenchSupport.progress(String.format("sweep: %,d of %,d adapters (%.0f/s), rss %s, "
                                + "device %.1f MB, cpu tier %.1f MB", done.get(), n,
                                done.get() / ((System.nanoTime() - start) / 1e9), SweepAdapters.rssMb(),
                                s.deviceBytes() / 1048576.0, s.cpuBytes() / 1048576.0));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sweep-progress");
            progress.setDaemon(true);
            progress.start();
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                int k = i;
                String id = runtime.adapterFor(SweepAdapters.policy(k), SweepAdapters.revision(k),
                        store.uriOf(SweepAdapters.policy(k), "sampler", SweepAdapters.revision(k)), null);
                long t0 = System.nanoTime();
                runtime.serve(new GenerationRequest(id, prompt(k), GenerationParams.greedy(4)), TokenSink.NONE)
                        .whenComplete((g, e) -> {
                            latencyMs[k] = (System.nanoTime() - t0) / 1e6;
                            if (e != null && failed.incrementAndGet() == 1) {
                                firstFailure.set(e.toString());
                            }
                            int d = done.incrementAndGet();
                            for (int m : marks) {
                                if (d == m) {
                                    checkpoints.add(checkpoint(runtime, d, start));
                                }
                            }
                            inFlight.release();
                            finished.countDown();
                        });
            }
            finished.await();
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.interrupt();
            WorkingSetStats s = runtime.workingSetStats();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("adapters_per_s", n / seconds);
            out.put("seconds", seconds);
            out.put("p50_ms", Stats.percentile(latencyMs, 50));
            out.put("p99_ms", Stats.percentile(latencyMs, 99));
            out.put("max_ms", java.util.Arrays.stream(latencyMs).max().orElse(Double.NaN));
            out.put("failed", failed.get());
            out.put("first_failure", firstFailure.get());
            out.put("peak_device_bytes", s.peakDeviceBytes());
            out.put("loads", s.loads());
            out.put("decodes", s.decodes());
            out.put("evictions", s.evictions());
            out.put("hashes", store.hashes());
            out.put("peak_rss_mb", TrainingBenchSupport.peakRssBytes() / 1048576.0);
            out.put("checkpoints", checkpoints.stream().sorted(java.util.Comparator.comparingInt(
                    c -> (Integer) c.get("done"))).toList());
            out.put("load_average", loadAverage());
            return out;
        }

        private static Map<String, Object> checkpoint(ModelRuntime runtime, int done, long start) {
            WorkingSetStats s = runtime.workingSetStats();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("done", done);
            c.put("rss_mb", TrainingBenchSupport.rssBytes() / 1048576.0);
            c.put("device_mb", s.deviceBytes() / 1048576.0);
            c.put("cpu_mb", s.cpuBytes() / 1048576.0);
            c.put("rate", done / ((System.nanoTime() - start) / 1e9));
            TrainingBenchSupport.progress(String.format("sweep: %,d adapters done, rss %s", done,
                    SweepAdapters.rssMb()));
            return c;
        }
    }

    /** The 1, 5 and 15 minute load averages, to read the timings against. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
