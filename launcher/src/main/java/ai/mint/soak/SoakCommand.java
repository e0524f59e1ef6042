package ai.mint.soak;

import ai.mint.chaos.ChaosPlatform;
import ai.mint.chaos.InferenceLoad;
import ai.mint.chaos.TrainingCheck;
import ai.mint.client.MintClient;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.cli.Sparkline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint soak}: training and inference for N minutes on the whole platform as separate processes, sampling every
 * process's RSS and open files, each worker's live native arrays and each consumer group's lag every 10 s; prints a
 * sparkline and the least-squares slope per series and writes {@code target/bench/soak.json}. A leak shows as a slope
 * that is not about zero.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Training + inference for N minutes; RSS, native arrays, consumer lag and open files sampled "
                + "every 10 s, with slopes; writes target/bench/soak.json.")
public final class SoakCommand implements MintSubcommand, Callable<Integer> {

    /** Samples before this minute are JVM warm-up and left out of the slopes. */
    static final double WARM_UP_MINUTES = 1.0;

    @Option(names = "--minutes", defaultValue = "30", description = "How long to run. Default: ${DEFAULT-VALUE}.")
    double minutes;

    @Option(names = "--interval-s", defaultValue = "10", description = "Seconds between samples. Default: "
            + "${DEFAULT-VALUE}.")
    int intervalSeconds;

    @Option(names = "--inference-interval-ms", defaultValue = "250",
            description = "Pause between two inference requests. Default: ${DEFAULT-VALUE}.")
    long inferenceIntervalMs;

    @Override
    public Integer call() throws Exception {
        if (minutes <= 0 || intervalSeconds <= 0) {
            throw new IllegalArgumentException("--minutes and --interval-s must be positive");
        }
        Path dir = Files.createTempDirectory("mint-soak-");
        System.out.println("mint soak: " + minutes + " minutes, a sample every " + intervalSeconds + " s (work in "
                + dir + ")");
        Map<String, Series> series;
        InferenceLoad.Counts served;
        TrainingCheck.Verdict trained;
        try (ChaosPlatform platform = ChaosPlatform.start(dir, 6, System.out::println);
             MintClient client = new MintClient(platform.connection(), Duration.ofSeconds(120));
             SoakSampler sampler = new SoakSampler(platform)) {
            // a policy that trains for the whole soak: far more steps than N minutes can take
            TrainingCheck training = TrainingCheck.start(client, platform.connection(),
                    "soak-" + platform.runId(), 100_000);
            InferenceLoad inference = new InferenceLoad(client, platform.servedPolicies(), inferenceIntervalMs);
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            while (System.nanoTime() < end) {
                double minute = (System.nanoTime() - start) / 60e9;
                sampler.sample(minute);
                System.out.printf(Locale.ROOT, "  %5.1f min: %d requests answered; %s%n", minute,
                        inference.answered(), headline(sampler.series()));
                Thread.sleep(Math.min(intervalSeconds * 1000L, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            inference.stop(Duration.ofSeconds(30));
            served = inference.counts();
            trained = training.verdict();
            series = new LinkedHashMap<>(sampler.series());
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        report(series, served, trained).publish(System.out, Path.of("target", "bench"));
        return 0;
    }

    private static String headline(Map<String, Series> series) {
        StringBuilder line = new StringBuilder();
        series.values().stream().filter(s -> s.name().startsWith("rss ") || s.name().startsWith("arrays "))
                .limit(6).forEach(s -> {
                    var v = s.values();
                    line.append(s.name()).append('=').append(String.format(Locale.ROOT, "%.0f", v.get(v.size() - 1)))
                            .append(' ');
                });
        return line.toString().trim();
    }

    static BenchReport report(Map<String, Series> series, InferenceLoad.Counts served, TrainingCheck.Verdict trained) {
        BenchReport report = new BenchReport("soak", "training + inference on the platform of processes; each "
                + "series sampled every interval, slope by least squares after the first minute")
                .columns("series", "unit", "first", "last", "min", "max", "slope /min", "chart");
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Double> slopes = new LinkedHashMap<>();
        for (Series s : series.values()) {
            var v = s.values();
            double slope = s.slopePerMinute(WARM_UP_MINUTES);
            double min = v.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double max = v.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            report.row(s.name(), s.unit(), round(v.get(0)), round(v.get(v.size() - 1)), round(min), round(max),
                    round(slope), Sparkline.of(v, 40));
            values.put(s.name(), v.stream().map(SoakCommand::round).toList());
            slopes.put(s.name(), Double.isFinite(slope) ? slope : null);
        }
        return report.figure("slopes_per_minute", slopes).figure("samples", values)
                .figure("requests_accepted", served.accepted()).figure("requests_answered", served.answered())
                .figure("training_steps", trained.applied()).figure("training_chain_continuous", trained.continuous())
                .note("slope: least squares over samples after minute " + WARM_UP_MINUTES + " (JVM warm-up left out);"
                        + " flat means |slope| small against the level over the run");
    }

    private static Double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
    }
}
