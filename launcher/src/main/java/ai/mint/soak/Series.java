package ai.mint.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * One sampled quantity of a soak (a process's RSS, its open files, a worker's live arrays, a group's lag): the
 * values against their times, and the least-squares slope that says whether it stays flat.
 */
final class Series {

    private final String name;
    private final String unit;
    private final List<Double> minutes = new ArrayList<>();
    private final List<Double> values = new ArrayList<>();

    Series(String name, String unit) {
        this.name = name;
        this.unit = unit;
    }

    void add(double minute, double value) {
        minutes.add(minute);
        values.add(value);
    }

    String name() {
        return name;
    }

    String unit() {
        return unit;
    }

    List<Double> values() {
        return List.copyOf(values);
    }

    /**
     * The least-squares slope in units per minute over the samples from {@code fromMinute} on (the first minute of a
     * JVM is warm-up: classes load, the JIT compiles, caches fill); NaN with fewer than two such samples.
     */
    double slopePerMinute(double fromMinute) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < values.size(); i++) {
            double x = minutes.get(i);
            if (x < fromMinute || !Double.isFinite(values.get(i))) {
                continue;
            }
            double y = values.get(i);
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double denominator = n * sxx - sx * sx;
        return n < 2 || denominator == 0 ? Double.NaN : (n * sxy - sx * sy) / denominator;
    }
}
