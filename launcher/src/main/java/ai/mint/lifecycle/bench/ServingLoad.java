package ai.mint.lifecycle.bench;

import ai.mint.client.MintClient;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the serving benchmarks share: a burst of sampling requests through the platform (client -> scheduler ->
 * workers -> client) timed per request and as a whole, Zipf-distributed policy choices, and the machine's load.
 */
final class ServingLoad {

    /**
     * One timed burst.
     *
     * @param latenciesMs per request, from publishing it to its answer
     * @param wallMs      from the first publish to the last answer
     */
    record Burst(double[] latenciesMs, double wallMs) {

        double p50() {
            return ai.mint.common.bench.Stats.percentile(latenciesMs, 50);
        }

        double p99() {
            return ai.mint.common.bench.Stats.percentile(latenciesMs, 99);
        }

        double throughput() {
            return latenciesMs.length / (wallMs / 1000.0);
        }
    }

    private ServingLoad() {
    }

    /** Publishes one request per entry of {@code policies} as fast as the client can, and waits for every answer. */
    static Burst burst(MintClient client, List<String> policies, SamplingParams sampling, String prompt)
            throws Exception {
        double[] latencies = new double[policies.size()];
        List<CompletableFuture<InferenceResponse>> answers = new ArrayList<>(policies.size());
        long start = System.nanoTime();
        for (int i = 0; i < policies.size(); i++) {
            long sent = System.nanoTime();
            int row = i;
            answers.add(client.sample(policies.get(i), prompt, sampling, null).whenComplete((r, e) ->
                    latencies[row] = (System.nanoTime() - sent) / 1e6));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
        long deadline = start + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            try {
                all.get(10, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a burst of " + policies.size() + " requests was not answered "
                            + "within 10 minutes", e);
                }
                System.out.printf("    ... %d of %d answered%n", answers.stream().filter(CompletableFuture::isDone)
                        .count(), policies.size());
            }
        }
        double wall = (System.nanoTime() - start) / 1e6;
        for (CompletableFuture<InferenceResponse> a : answers) {
            if (a.join().getError() != null) {
                throw new IllegalStateException("a benchmark request failed: " + a.join().getError());
            }
        }
        return new Burst(latencies, wall);
    }

    /** {@code n} draws from a Zipf distribution (exponent {@code s}) over {@code items}, the first the most likely. */
    static List<String> zipf(List<String> items, int n, double s, long seed) {
        double[] cdf = new double[items.size()];
        double total = 0;
        for (int i = 0; i < cdf.length; i++) {
            total += 1.0 / Math.pow(i + 1, s);
            cdf[i] = total;
        }
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int at = Arrays.binarySearch(cdf, random.nextDouble() * total);
            out.add(items.get(Math.min(cdf.length - 1, at < 0 ? -at - 1 : at)));
        }
        return out;
    }

    /** The 1-minute load average of the machine (other helpers' builds share it), or -1 where unknown. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Stops what a benchmark started, last first (a failure to stop one does not leave the others running). */
    static void closeAll(List<AutoCloseable> running, Path work) throws IOException {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + running.get(i) + ": " + e);
            }
        }
        try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static double median(List<Double> values) {
        return ai.mint.common.bench.Stats.percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
