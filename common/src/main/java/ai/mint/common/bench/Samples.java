package ai.mint.common.bench;

import java.util.Arrays;

/** Order statistics of a benchmark's timed samples (latencies, rates): percentiles, median, min, max. */
public final class Samples {

    private Samples() {
    }

    /** The {@code p}-th percentile (0..100, nearest rank) of {@code values}; NaN when there are none. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    public static double median(double[] values) {
        return percentile(values, 50);
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    public static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
