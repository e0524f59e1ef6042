package ai.mint.common.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one way a benchmark measures: named variants doing the same work, warm-up runs, then timed rounds in which
 * every variant runs once, the order rotated each round (two variants: AB, BA, AB, ...; three: ABC, BCA, CAB, ...)
 * so that no variant always runs first or right after another. Every timed run is kept as a sample; the result
 * has median, min and max per variant and per timed part. While it runs, a progress line goes out every
 * {@link #progressEvery} (10 s by default) from a scheduler thread, even when a single run takes minutes.
 *
 * <pre>{@code
 * BenchResult r = BenchRun.of("handoff").warmUps(1).rounds(5)
 *         .variant("adapter only", s -> {
 *             s.time("write", () -> writeAdapter());
 *             s.time("load", () -> engine.replaceAdapter(id, dir));
 *         })
 *         .variant("merged", s -> {
 *             Merged m = s.timed("merge", () -> merge());   // parts add up to the run's total
 *             s.time("write", () -> m.write(dir));
 *             m.close();                                    // outside a part: not timed
 *         })
 *         .run();
 * double ratio = r.ratioOfMedians("merged", "adapter only");
 * new BenchReport("handoff", "...").variants(r).ratio(ratio, "merged / adapter only").publish();
 * }</pre>
 *
 * A trial that times no part is timed whole. Trials run on the calling thread, one at a time; a trial that throws
 * stops the run with an error naming the variant and round.
 */
public final class BenchRun {

    /** One run of a variant; it records what it measured into the {@link Sample} it is given. */
    @FunctionalInterface
    public interface Trial {
        void run(Sample sample) throws Exception;
    }

    private final String name;
    private final Map<String, Trial> variants = new LinkedHashMap<>();
    private int warmUps = 1;
    private int rounds = 5;
    private Duration progressEvery = ProgressTicker.DEFAULT_INTERVAL;
    private Consumer<String> progress = ProgressTicker::printLine;

    private BenchRun(String name) {
        this.name = name;
    }

    /** A run named {@code name} (shown in progress lines) with 1 warm-up and 5 timed rounds. */
    public static BenchRun of(String name) {
        return new BenchRun(name);
    }

    /** Untimed runs of every variant before the timed rounds (JIT, caches, lazy loads); 0 allowed. */
    public BenchRun warmUps(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("warm-ups must be >= 0, got " + n);
        }
        this.warmUps = n;
        return this;
    }

    /** Timed runs of every variant; the project's benchmarks use at least 5. */
    public BenchRun rounds(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + n);
        }
        this.rounds = n;
        return this;
    }

    /** How often the progress line goes out while the run is under way. */
    public BenchRun progressEvery(Duration interval) {
        this.progressEvery = interval;
        return this;
    }

    /** Where progress lines go (standard out by default). */
    public BenchRun progressTo(Consumer<String> sink) {
        this.progress = sink;
        return this;
    }

    /** Adds a variant; names must be unique and are used in the report and the JSON. */
    public BenchRun variant(String variant, Trial trial) {
        if (variant == null || variant.isBlank()) {
            throw new IllegalArgumentException("a variant needs a name");
        }
        if (variants.putIfAbsent(variant, trial) != null) {
            throw new IllegalArgumentException("variant '" + variant + "' is declared twice in " + name);
        }
        return this;
    }

    /** The order of the variants in round {@code round} (warm-ups count as the first rounds): rotated by one. */
    public static List<String> roundOrder(List<String> variants, int round) {
        List<String> order = new ArrayList<>(variants.size());
        for (int i = 0; i < variants.size(); i++) {
            order.add(variants.get((i + round) % variants.size()));
        }
        return order;
    }

    /** Runs warm-ups and rounds and returns every variant's statistics. */
    public BenchResult run() {
        if (variants.isEmpty()) {
            throw new IllegalStateException("benchmark run '" + name + "' has no variants");
        }
        List<String> names = List.copyOf(variants.keySet());
        Progress state = new Progress(names.size() * (warmUps + rounds));
        Map<String, List<Sample>> timed = new LinkedHashMap<>();
        names.forEach(v -> timed.put(v, new ArrayList<>()));
        List<BenchResult.Run> executed = new ArrayList<>();
        progress.accept(String.format(Locale.ROOT, "  [%s] %d warm-up + %d timed rounds of %s, order rotated each round",
                name, warmUps, rounds, names));
        long start = System.nanoTime();
        try (ProgressTicker ticking = ProgressTicker.start(name, state::line, progressEvery, progress)) {
            for (int round = 0; round < warmUps + rounds; round++) {
                boolean warmUp = round < warmUps;
                for (String v : roundOrder(names, round)) {
                    state.started(round, v, warmUp);
                    Sample sample = runOnce(v, round, warmUp);
                    executed.add(new BenchResult.Run(round, v, warmUp));
                    if (!warmUp) {
                        timed.get(v).add(sample);
                    }
                    state.finished(v, sample.totalNanos() / 1e6);
                }
            }
        }
        long wall = System.nanoTime() - start;
        progress.accept(String.format(Locale.ROOT, "  [%s] done in %.1f s", name, wall / 1e9));
        Map<String, BenchResult.VariantResult> results = new LinkedHashMap<>();
        timed.forEach((v, samples) -> results.put(v, summarise(v, samples)));
        return new BenchResult(name, warmUps, rounds, results, executed, wall);
    }

    private Sample runOnce(String variant, int round, boolean warmUp) {
        Sample sample = new Sample(round, warmUp);
        long start = System.nanoTime();
        try {
            variants.get(variant).run(sample);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted in variant '" + variant + "'", e);
        } catch (Exception e) {
            throw new IllegalStateException(name + ": variant '" + variant + "' failed in round " + round
                    + (warmUp ? " (warm-up)" : "") + ": " + e.getMessage(), e);
        }
        sample.finish(System.nanoTime() - start);
        return sample;
    }

    private BenchResult.VariantResult summarise(String variant, List<Sample> samples) {
        List<Double> totals = samples.stream().map(s -> s.totalNanos() / 1e6).toList();
        Map<String, List<Double>> parts = new LinkedHashMap<>();
        Map<String, List<Double>> metrics = new LinkedHashMap<>();
        for (Sample s : samples) {
            s.partNanos().forEach((p, ns) -> parts.computeIfAbsent(p, k -> new ArrayList<>()).add(ns / 1e6));
            s.metrics().forEach((m, x) -> metrics.computeIfAbsent(m, k -> new ArrayList<>()).add(x));
        }
        Map<String, Stats> partStats = new LinkedHashMap<>();
        parts.forEach((p, xs) -> partStats.put(p, complete(variant, "part", p, xs, samples.size(), "ms")));
        Map<String, Stats> metricStats = new LinkedHashMap<>();
        metrics.forEach((m, xs) -> metricStats.put(m, complete(variant, "metric", m, xs, samples.size(), m)));
        return new BenchResult.VariantResult(variant, Stats.of("ms", totals), partStats, metricStats);
    }

    private Stats complete(String variant, String kind, String key, List<Double> xs, int runs, String unit) {
        if (xs.size() != runs) {
            throw new IllegalStateException(name + ": variant '" + variant + "' recorded " + kind + " '" + key
                    + "' in " + xs.size() + " of " + runs + " timed runs; every run must record the same ones");
        }
        return Stats.of(unit, xs);
    }

    /** What the progress line reports; written by the benchmark thread, read by the ticker. */
    private final class Progress {
        private final int totalRuns;
        private final Map<String, Double> lastMs = new LinkedHashMap<>();
        private int done;
        private int round;
        private String running;
        private boolean warmUp;

        Progress(int totalRuns) {
            this.totalRuns = totalRuns;
        }

        synchronized void started(int round, String variant, boolean warmUp) {
            this.round = round;
            this.running = variant;
            this.warmUp = warmUp;
        }

        synchronized void finished(String variant, double ms) {
            done++;
            lastMs.put(variant, ms);
            running = null;
        }

        synchronized String line() {
            StringBuilder b = new StringBuilder();
            b.append(warmUp ? "warm-up " + (round + 1) + " of " + warmUps
                    : "round " + (round - warmUps + 1) + " of " + rounds);
            if (running != null) {
                b.append(", running '").append(running).append("'");
            }
            b.append("; ").append(done).append(" of ").append(totalRuns).append(" runs done");
            if (!lastMs.isEmpty()) {
                b.append("; last");
                lastMs.forEach((v, ms) -> b.append(String.format(Locale.ROOT, " %s %.1f ms,", v, ms)));
                b.setLength(b.length() - 1);
            }
            return b.toString();
        }
    }
}
