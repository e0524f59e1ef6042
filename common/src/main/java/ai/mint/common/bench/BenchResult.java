package ai.mint.common.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link BenchRun} measured: per variant the statistics of its timed runs, and the order in which every run
 * (warm-ups included) was executed. {@link BenchReport#variants} prints it and writes it into the JSON.
 *
 * @param name      the run's name (for progress lines and the report)
 * @param warmUps   warm-up runs per variant (not in the statistics)
 * @param rounds    timed runs per variant
 * @param variants  results in the order the variants were declared
 * @param executed  every run in the order it ran
 * @param wallNanos wall time of the whole run, warm-ups and checks included
 */
public record BenchResult(String name, int warmUps, int rounds, Map<String, VariantResult> variants,
                          List<Run> executed, long wallNanos) {

    public BenchResult {
        variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
        executed = List.copyOf(executed);
    }

    /** One run of one variant: its place in the sequence of rounds (warm-ups first) and whether it was timed. */
    public record Run(int round, String variant, boolean warmUp) {
    }

    /**
     * The statistics of one variant: its total time per run in ms, each named part in ms (when the trial timed
     * parts) and each metric in the trial's own unit.
     */
    public record VariantResult(String name, Stats total, Map<String, Stats> parts, Map<String, Stats> metrics) {

        public VariantResult {
            parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        /** The statistics of part {@code part} in ms; fails naming the parts there are. */
        public Stats part(String part) {
            return find(parts, "part", part);
        }

        /** The statistics of metric {@code metric}; fails naming the metrics there are. */
        public Stats metric(String metric) {
            return find(metrics, "metric", metric);
        }

        private Stats find(Map<String, Stats> stats, String kind, String key) {
            Stats s = stats.get(key);
            if (s == null) {
                throw new IllegalArgumentException("variant '" + name + "' has no " + kind + " '" + key + "' (has "
                        + stats.keySet() + ")");
            }
            return s;
        }
    }

    /** The result of variant {@code variant}; fails naming the variants there are. */
    public VariantResult variant(String variant) {
        VariantResult v = variants.get(variant);
        if (v == null) {
            throw new IllegalArgumentException("benchmark run '" + name + "' has no variant '" + variant + "' (has "
                    + variants.keySet() + ")");
        }
        return v;
    }

    /** Median total time of {@code numerator} over median total time of {@code denominator}. */
    public double ratioOfMedians(String numerator, String denominator) {
        return variant(numerator).total().median() / variant(denominator).total().median();
    }
}
