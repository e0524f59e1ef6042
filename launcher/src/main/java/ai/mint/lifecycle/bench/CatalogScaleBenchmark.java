package ai.mint.lifecycle.bench;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.client.bulk.PolicyImporter;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.Stats;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.topics.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint bench catalog-scale}: the catalog at 10^6 policies (10^5 with --quick) on the embedded platform.
 * Registers rank-1 policies with the bulk importer through the public topic in a warm-up chunk of 10^3 and five timed
 * chunks, and measures: ingest (produced -> folded into RocksDB and on the compacted topic), point lookups of a random
 * policy and of a random revision through the HTTP API, RocksDB and topic bytes per policy, the resident memory of a
 * lookup-based serving process at 10^3 and at 10^6 policies ("ratio"), and the restore of an instance with an empty
 * state directory from its changelogs.
 */
@Command(name = "catalog-scale", description = "The catalog at 10^6 policies: ingest, lookups, bytes, memory, restore.")
public final class CatalogScaleBenchmark implements MintBenchmark, Callable<Integer> {

    private static final int WARMUP_POLICIES = 1_000;
    private static final int TIMED_CHUNKS = 5;
    private static final int REVISION_POLICIES = 1_000;
    private static final int REVISIONS_EACH = 10;
    private static final int LOOKUP_RUNS = 5;
    private static final int PROBE_RUNS = 3;
    private static final int PROBE_SECONDS = 3;
    private static final List<String> SPEC_TOPIC = List.of(Topics.POLICY_SPECS.name());

    @Option(names = "--quick", description = "10^5 policies instead of 10^6.")
    boolean quick;

    @Option(names = "--policies", description = "Policies to register (default 10^6, 10^5 with --quick).")
    Integer policies;

    @Option(names = "--stream-threads", defaultValue = "1", description = "Stream threads of the catalog instance.")
    int streamThreads;

    @Option(names = "--state-memory-mb", defaultValue = "128", description = "RocksDB memory of the catalog instance.")
    long stateMemoryMb;

    private final AtomicReference<String> phase = new AtomicReference<>("starting");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    public Integer call() throws Exception {
        long total = policies != null ? policies : quick ? 100_000 : 1_000_000;
        if (total < WARMUP_POLICIES + TIMED_CHUNKS * 100) {
            throw new IllegalArgumentException("--policies must be at least " + (WARMUP_POLICIES + TIMED_CHUNKS * 100));
        }
        Path work = Files.createTempDirectory("mint-bench-catalog-scale-");
        String appId = "bench-catalog";
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        });
        long started = System.nanoTime();
        progress.scheduleAtFixedRate(() -> System.out.printf(Locale.ROOT, "  [%3.0f s] %s%n",
                (System.nanoTime() - started) / 1e9, phase.get()), 5, 5, TimeUnit.SECONDS);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        BenchReport report = new BenchReport("catalog-scale", String.format(Locale.ROOT,
                "%,d rank-1 policies registered with the bulk importer into the embedded platform (1 broker, "
                        + "3 partitions), one catalog instance on RocksDB", total));
        report.columns("measure", "median", "min", "max", "unit", "goal");
        String load = loadAverage();
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(work.resolve("platform")));
             CatalogIngest ingest = new CatalogIngest(platform.bootstrapServers(), platform.schemaRegistryUrl(), appId)) {
            RunningCatalog catalog = startCatalog(platform, appId, work.resolve("catalog"));
            try {
                awaitRunning(catalog);
                // warm-up chunk: 10^3 policies, the small catalog the memory comparison starts from
                phase.set("importing the warm-up chunk of " + WARMUP_POLICIES);
                ingest.importFile(CatalogIngest.writeSpecs(work.resolve("warmup.jsonl"), 0, WARMUP_POLICIES), quiet);
                ingest.awaitFolded(SPEC_TOPIC, WARMUP_POLICIES, 120_000);
                List<String> served = sample(WARMUP_POLICIES, 10, new Random(7));
                phase.set("measuring a lookup-based process at 10^3 policies");
                double[] rssSmall = probe(catalog, platform, served);
                double[] lookupSmall = lookups(catalog, WARMUP_POLICIES, 2_000, new Random(11));

                long chunk = (total - WARMUP_POLICIES) / TIMED_CHUNKS;
                double[] ingestRates = new double[TIMED_CHUNKS];
                double[] importRates = new double[TIMED_CHUNKS];
                long registered = WARMUP_POLICIES;
                for (int c = 0; c < TIMED_CHUNKS; c++) {
                    long to = c == TIMED_CHUNKS - 1 ? total : registered + chunk;
                    Path file = CatalogIngest.writeSpecs(work.resolve("chunk-" + c + ".jsonl"), registered, to);
                    long from = registered;
                    phase.set(String.format(Locale.ROOT, "ingest chunk %d/%d: %,d policies", c + 1, TIMED_CHUNKS,
                            to - from));
                    long t0 = System.nanoTime();
                    PolicyImporter.Summary summary = ingest.importFile(file, System.err);
                    ingest.awaitFolded(SPEC_TOPIC, to, 600_000);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (!summary.clean()) {
                        throw new IllegalStateException("the import of chunk " + c + " was not clean: " + summary);
                    }
                    ingestRates[c] = (to - from) / seconds;
                    importRates[c] = summary.rate();
                    registered = to;
                    Files.delete(file);
                    System.out.printf(Locale.ROOT, "  chunk %d: %,d policies folded in %.1f s (%,.0f/s end to end; "
                            + "importer %,.0f/s)%n", c + 1, to - from, seconds, ingestRates[c], importRates[c]);
                }
                phase.set("publishing " + REVISION_POLICIES * REVISIONS_EACH + " revisions");
                List<String> withRevisions = sample(total, REVISION_POLICIES, new Random(13));
                long before = ingest.folded(List.of(Topics.UPDATE_RESULTS.name(), Topics.EXPORT_RESULTS.name(),
                        Topics.EVAL_RESULTS.name()));
                ingest.publishRevisions(withRevisions, REVISIONS_EACH);
                ingest.awaitFolded(List.of(Topics.UPDATE_RESULTS.name(), Topics.EXPORT_RESULTS.name(),
                        Topics.EVAL_RESULTS.name()), before + (long) REVISION_POLICIES * (2 * REVISIONS_EACH + REVISIONS_EACH / 5),
                        300_000);

                phase.set("point lookups at " + total);
                lookups(catalog, total, 1_000, new Random(17)); // warm-up
                double[] policyP50 = new double[LOOKUP_RUNS];
                double[] policyP99 = new double[LOOKUP_RUNS];
                double[] revisionP50 = new double[LOOKUP_RUNS];
                double[] revisionP99 = new double[LOOKUP_RUNS];
                for (int run = 0; run < LOOKUP_RUNS; run++) {
                    // alternate which kind goes first
                    double[] policy;
                    double[] revision;
                    if (run % 2 == 0) {
                        policy = lookups(catalog, total, 2_000, new Random(100 + run));
                        revision = revisionLookups(catalog, withRevisions, 2_000, new Random(200 + run));
                    } else {
                        revision = revisionLookups(catalog, withRevisions, 2_000, new Random(200 + run));
                        policy = lookups(catalog, total, 2_000, new Random(100 + run));
                    }
                    policyP50[run] = Stats.percentile(policy, 50);
                    policyP99[run] = Stats.percentile(policy, 99);
                    revisionP50[run] = Stats.percentile(revision, 50);
                    revisionP99[run] = Stats.percentile(revision, 99);
                }
                phase.set("measuring a lookup-based process at " + total + " policies");
                double[] rssLarge = probe(catalog, platform, served);
                phase.set("counting every policy through the API");
                long countStart = System.nanoTime();
                String count = get(catalog.queryUrl() + "/policies:count").body();
                double countSeconds = (System.nanoTime() - countStart) / 1e9;

                long stateBytes = directoryBytes(work.resolve("catalog"));
                long catalogTopicBytes = ingest.topicBytes(List.of(Topics.CATALOG.name()));
                long allTopicBytes = ingest.topicBytes(List.of("mint.", appId + "-"));
                long changelogBytes = ingest.topicBytes(List.of(appId + "-"));

                phase.set("restoring an instance with an empty state directory from its changelogs");
                catalog.close();
                catalog = null;
                deleteTree(work.resolve("catalog"));
                Restore restore = restore(platform, appId, work.resolve("catalog"), total);
                catalog = restore.catalog();

                double rssRatio = median(rssLarge) / median(rssSmall);
                report.row("ingest end to end (import -> folded, committed)", median(ingestRates), min(ingestRates),
                                max(ingestRates), "policies/s", ">= 20000")
                        .row("  of which the bulk importer alone", median(importRates), min(importRates),
                                max(importRates), "policies/s", "")
                        .row("lookup of a random policy, p50", median(policyP50), min(policyP50), max(policyP50), "ms", "")
                        .row("lookup of a random policy, p99", median(policyP99), min(policyP99), max(policyP99), "ms",
                                "< 10")
                        .row("lookup of a random revision, p50", median(revisionP50), min(revisionP50),
                                max(revisionP50), "ms", "")
                        .row("lookup of a random revision, p99", median(revisionP99), min(revisionP99),
                                max(revisionP99), "ms", "< 10")
                        .row("lookup of a random policy at 10^3 policies, p50",
                                Stats.percentile(lookupSmall, 50), "-", "-", "ms", "")
                        .row("lookup of a random policy at 10^3 policies, p99",
                                Stats.percentile(lookupSmall, 99), "-", "-", "ms", "")
                        .row("lookup-based process RSS, 10^3 policies", median(rssSmall) / 1e6, min(rssSmall) / 1e6,
                                max(rssSmall) / 1e6, "MB", "")
                        .row("lookup-based process RSS, " + total + " policies", median(rssLarge) / 1e6,
                                min(rssLarge) / 1e6, max(rssLarge) / 1e6, "MB", "<= 1.1x")
                        .row("restore from changelogs (empty state dir)", restore.seconds(), restore.seconds(),
                                restore.seconds(), "s", "");
                report.figure("policies", total);
                report.figure("ingest_policies_per_s", median(ingestRates));
                report.figure("importer_policies_per_s", median(importRates));
                report.figure("policy_lookup_p50_ms", median(policyP50));
                report.figure("policy_lookup_p99_ms", median(policyP99));
                report.figure("revision_lookup_p50_ms", median(revisionP50));
                report.figure("revision_lookup_p99_ms", median(revisionP99));
                report.figure("rocksdb_bytes_per_policy", (double) stateBytes / total);
                report.figure("catalog_topic_bytes_per_policy", (double) catalogTopicBytes / total);
                report.figure("changelog_bytes_per_policy", (double) changelogBytes / total);
                report.figure("all_topic_bytes_per_policy", (double) allTopicBytes / total);
                report.figure("rss_10e3_mb", median(rssSmall) / 1e6);
                report.figure("rss_at_scale_mb", median(rssLarge) / 1e6);
                report.figure("restore_s", restore.seconds());
                report.figure("restore_503_answers", restore.notReadyAnswers());
                report.figure("restore_records", restore.records());
                report.figure("restore_until_first_restore_s", restore.untilFirstRestore());
                report.figure("restore_restoring_s", restore.restoring());
                report.figure("count_all_s", countSeconds);
                report.figure("count_all", count);
                report.figure("paper_addressable_policies", 1_000_000);
                report.figure("stream_threads", streamThreads);
                report.figure("state_memory_mb", stateMemoryMb);
                report.figure("machine_load_at_start", load);
                report.figure("machine_load_at_end", loadAverage());
                report.ratio(rssRatio, "RSS of a lookup-based serving process with " + total
                        + " policies in the catalog / with 10^3 (goal <= 1.1)");
                report.note(String.format(Locale.ROOT, "MinT paper: a 10^6-scale addressable catalog; ours: %,d "
                        + "policies addressable by key through the HTTP API, p99 %.2f ms", total, median(policyP99)));
                report.note("ingest = from the first line read by the importer to the catalog app's committed input "
                        + "offset (exactly once: the RocksDB stores' changelogs and the compacted mint.catalog topic "
                        + "commit with it); broker, registry, catalog and this client share one JVM and 2 cores");
                report.note("the RSS process is a child JVM (-Xmx128m) that uses the lookup library as a worker will "
                        + "(10 policies served, following mint.catalog and mint.catalog.revisions from their end); the "
                        + "worker itself still replays the whole catalog until it adopts the library");
                report.note("lookups are sequential GETs on one keep-alive connection from the benchmark JVM; a count "
                        + "scans every entry (" + String.format(Locale.ROOT, "%.1f", countSeconds) + " s here)");
                report.note("restore: " + restore.notReadyAnswers() + " lookups answered 503 with Retry-After while "
                        + "the instance restored; bytes: RocksDB " + stateBytes + ", mint.catalog " + catalogTopicBytes
                        + ", changelogs " + changelogBytes + ", all platform topics " + allTopicBytes);
                report.note("machine load average (1, 5, 15 min) at start " + load + ", at end " + loadAverage()
                        + " (other builds share the 2 cores)");
                report.publish();
                return 0;
            } finally {
                if (catalog != null) {
                    catalog.close();
                }
            }
        } finally {
            progress.shutdownNow();
            deleteTree(work);
        }
    }

    private record Restore(RunningCatalog catalog, double seconds, int notReadyAnswers, long records,
                           double untilFirstRestore, double restoring) {
    }

    /** Starts a fresh instance on an empty state directory and times it until a lookup of a known policy answers. */
    private Restore restore(EmbeddedPlatform platform, String appId, Path stateDir, long total) throws Exception {
        long t0 = System.nanoTime();
        RunningCatalog restored = startCatalog(platform, appId, stateDir);
        AtomicInteger notReady = new AtomicInteger();
        String probe = restored.queryUrl() + "/policies/" + CatalogIngest.policyId(total - 1);
        while (true) {
            HttpResponse<String> r = get(probe);
            if (r.statusCode() == 200 && restored.streams().state() == KafkaStreams.State.RUNNING) {
                break;
            }
            if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
                notReady.incrementAndGet();
            }
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(8)) {
                throw new IllegalStateException("the catalog did not restore within 8 minutes: " + r.body());
            }
            Thread.sleep(50);
        }
        // every policy must be back, not only the probed one
        for (long i : new long[] {0, total / 3, total / 2, 2 * total / 3}) {
            if (get(restored.queryUrl() + "/policies/" + CatalogIngest.policyId(i)).statusCode() != 200) {
                throw new IllegalStateException("policy " + CatalogIngest.policyId(i) + " is missing after restore");
            }
        }
        return new Restore(restored, (System.nanoTime() - t0) / 1e9, notReady.get(), restored.restore().records(),
                restored.restore().untilFirstRestore().toMillis() / 1000.0,
                restored.restore().restoring().toMillis() / 1000.0);
    }

    private double[] probe(RunningCatalog catalog, EmbeddedPlatform platform, List<String> served) throws Exception {
        double[] rss = new double[PROBE_RUNS];
        for (int i = 0; i < PROBE_RUNS; i++) {
            rss[i] = LookupProbe.run(catalog.queryUrl(), platform.bootstrapServers(), platform.schemaRegistryUrl(),
                    served, PROBE_SECONDS);
        }
        return rss;
    }

    /** Milliseconds of {@code n} GETs of random policies among the first {@code policies}. */
    private double[] lookups(RunningCatalog catalog, long policies, int n, Random random) throws Exception {
        List<String> urls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            urls.add(catalog.queryUrl() + "/policies/" + CatalogIngest.policyId((long) (random.nextDouble() * policies)));
        }
        return timedGets(urls);
    }

    /** Milliseconds of {@code n} GETs of random revisions of the given policies. */
    private double[] revisionLookups(RunningCatalog catalog, List<String> policies, int n, Random random)
            throws Exception {
        List<String> urls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            urls.add(catalog.queryUrl() + "/policies/" + policies.get(random.nextInt(policies.size()))
                    + "/revisions/" + String.format("step-%04d", 1 + random.nextInt(REVISIONS_EACH)));
        }
        return timedGets(urls);
    }

    /** Milliseconds of each GET, one after another on one connection; every answer must be 200. */
    private double[] timedGets(List<String> urls) throws Exception {
        double[] ms = new double[urls.size()];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = get(urls.get(i));
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + urls.get(i) + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        return ms;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private RunningCatalog startCatalog(EmbeddedPlatform platform, String appId, Path stateDir) throws IOException {
        return CatalogApp.start(new CatalogConfig(Map.of(
                CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                CatalogConfig.APPLICATION_ID, appId,
                CatalogConfig.STATE_DIR, stateDir.toString(),
                CatalogConfig.HTTP_PORT, 0,
                CatalogConfig.STREAM_THREADS, streamThreads,
                CatalogConfig.STATE_MEMORY_BYTES, stateMemoryMb << 20)));
    }

    private static void awaitRunning(RunningCatalog catalog) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (catalog.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the catalog is " + catalog.streams().state() + " after 2 minutes");
            }
            Thread.sleep(100);
        }
    }

    private static List<String> sample(long policies, int n, Random random) {
        List<String> ids = new ArrayList<>(n);
        while (ids.size() < n) {
            String id = CatalogIngest.policyId((long) (random.nextDouble() * policies));
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double median(double[] xs) {
        return Stats.percentile(xs, 50);
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(Double.NaN);
    }
}
