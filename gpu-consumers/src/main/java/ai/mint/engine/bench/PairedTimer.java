package ai.mint.engine.bench;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Times two variants of the same work side by side: warm-up runs of both, then timed runs in alternating order
 * (A B, B A, A B, ...) so that drift on a shared machine hits both alike; a progress line after every run.
 */
final class PairedTimer {

    /** Wall times of one variant, in milliseconds. */
    record Stats(double medianMs, double minMs, double maxMs) {

        static Stats of(double[] ms) {
            double[] s = ms.clone();
            Arrays.sort(s);
            double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
            return new Stats(median, s[0], s[s.length - 1]);
        }

        String range() {
            return String.format("%.1f [%.1f-%.1f]", medianMs, minMs, maxMs);
        }
    }

    private final String label;
    private final int warmups;
    private final int runs;
    private final long start = System.nanoTime();

    PairedTimer(String label, int warmups, int runs) {
        if (runs < 5) {
            throw new IllegalArgumentException("at least 5 timed runs, got " + runs);
        }
        this.label = label;
        this.warmups = warmups;
        this.runs = runs;
    }

    /** Each supplier runs the work once and returns its own nanoseconds; returns {A stats, B stats}. */
    Stats[] measure(String what, LongSupplier a, LongSupplier b) {
        for (int i = 0; i < warmups; i++) {
            a.getAsLong();
            b.getAsLong();
            progress(what + " warm-up " + (i + 1) + "/" + warmups);
        }
        double[] ta = new double[runs];
        double[] tb = new double[runs];
        for (int i = 0; i < runs; i++) {
            if (i % 2 == 0) {
                ta[i] = a.getAsLong() / 1e6;
                tb[i] = b.getAsLong() / 1e6;
            } else {
                tb[i] = b.getAsLong() / 1e6;
                ta[i] = a.getAsLong() / 1e6;
            }
            progress(String.format("%s run %d/%d: %.1f ms vs %.1f ms", what, i + 1, runs, ta[i], tb[i]));
        }
        return new Stats[] {Stats.of(ta), Stats.of(tb)};
    }

    void progress(String message) {
        System.out.printf("  [%s %4.0f s] %s%n", label, (System.nanoTime() - start) / 1e9, message);
        System.out.flush();
    }
}
