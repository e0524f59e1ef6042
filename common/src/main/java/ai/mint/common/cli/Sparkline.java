package ai.mint.common.cli;

import java.util.List;

/** A curve (a reward, a soak figure) as one line of block characters, scaled between its own minimum and maximum. */
public final class Sparkline {

    private static final char[] BLOCKS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {
    }

    /** At most {@code width} characters: longer curves are averaged over equal runs of consecutive values. */
    public static String of(List<Double> values, int width) {
        if (values.size() <= width) {
            return of(values);
        }
        java.util.List<Double> buckets = new java.util.ArrayList<>(width);
        for (int b = 0; b < width; b++) {
            int from = (int) ((long) b * values.size() / width);
            int to = (int) ((long) (b + 1) * values.size() / width);
            buckets.add(values.subList(from, to).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        }
        return of(buckets);
    }

    /** One character per value; a flat curve is drawn at the lowest level. Non-finite values are drawn as spaces. */
    public static String of(List<Double> values) {
        double min = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder line = new StringBuilder(values.size());
        for (double v : values) {
            if (!Double.isFinite(v)) {
                line.append(' ');
            } else if (max - min < 1e-12) {
                line.append(BLOCKS[0]);
            } else {
                int level = (int) Math.round((v - min) / (max - min) * (BLOCKS.length - 1));
                line.append(BLOCKS[level]);
            }
        }
        return line.toString();
    }
}
