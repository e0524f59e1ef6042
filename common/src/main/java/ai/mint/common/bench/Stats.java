package ai.mint.common.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The summary of one measured quantity over a benchmark's timed runs: median, min and max of the samples, in the
 * order they were taken. The median of an even count is the mean of the two middle samples.
 *
 * @param unit    what a sample counts ({@code "ms"}, {@code "tokens/s"}, {@code "bytes"}, ...)
 * @param samples every timed sample, in run order
 */
public record Stats(String unit, double median, double min, double max, int runs, List<Double> samples) {

    public Stats {
        samples = List.copyOf(samples);
    }

    /** The statistics of {@code samples} (at least one). */
    public static Stats of(String unit, List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples of " + unit + " to summarise");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(unit, median, sorted[0], sorted[n - 1], n, samples);
    }

    /**
     * The same runs in another unit, each sample mapped on its own (e.g. ms to tokens/s with
     * {@code ms -> tokens / (ms / 1000)}); the statistics are recomputed from the mapped samples.
     */
    public Stats map(String newUnit, DoubleUnaryOperator perSample) {
        return of(newUnit, samples.stream().map(perSample::applyAsDouble).toList());
    }

    /** The nearest-rank percentile {@code p} (0-100] of the samples, e.g. 99 for p99. */
    public double percentile(double p) {
        return percentile(samples.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }

    /** The nearest-rank percentile {@code p} (0-100] of {@code values} (at least one; the array is not changed). */
    public static double percentile(double[] values, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take a percentile of");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
