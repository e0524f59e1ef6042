package ai.mint.monitoring;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies of one window as a bounded log-scale histogram (the DDSketch idea): a value v > 0 falls in bucket
 * {@code ceil(log_gamma v)} with {@code gamma = (1 + a) / (1 - a)}, and a bucket is read back as
 * {@code 2 gamma^i / (gamma + 1)}, which lies within the relative accuracy {@code a} of every value of its bucket. So
 * the nearest-rank quantile read from the buckets is within {@code a} of the exact one. Zeros are counted exactly.
 * Values are clamped to {@value #MAX_VALUE_MS} ms, so a sketch holds at most about 1,050 buckets whatever the traffic.
 */
public final class LatencySketch {

    /** Relative accuracy of every quantile. */
    public static final double RELATIVE_ACCURACY = 0.01;
    /** Latencies above this (about 11.6 days) count as this. */
    public static final long MAX_VALUE_MS = 1_000_000_000L;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);

    private long zeros;
    private final TreeMap<Integer, Long> buckets;

    public LatencySketch() {
        this(0, new TreeMap<>());
    }

    @JsonCreator
    LatencySketch(@JsonProperty("zeros") long zeros, @JsonProperty("buckets") Map<Integer, Long> buckets) {
        this.zeros = zeros;
        this.buckets = buckets == null ? new TreeMap<>() : new TreeMap<>(buckets);
    }

    @JsonProperty("zeros")
    long zeros() {
        return zeros;
    }

    @JsonProperty("buckets")
    Map<Integer, Long> buckets() {
        return buckets;
    }

    public void add(long valueMs) {
        if (valueMs <= 0) {
            zeros++; // a negative latency is a clock glitch: count it as 0
            return;
        }
        int index = (int) Math.ceil(Math.log(Math.min(valueMs, MAX_VALUE_MS)) / LOG_GAMMA);
        buckets.merge(index, 1L, Long::sum);
    }

    public long count() {
        return zeros + buckets.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The nearest-rank quantile: an estimate of the value at rank {@code ceil(q * count)} (1-based) in sorted order,
     * within {@link #RELATIVE_ACCURACY} of it; null for an empty sketch.
     */
    public Double quantile(double q) {
        long n = count();
        if (n == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = zeros;
        if (seen >= rank) {
            return 0.0;
        }
        for (Map.Entry<Integer, Long> bucket : buckets.entrySet()) {
            seen += bucket.getValue();
            if (seen >= rank) {
                return 2 * Math.pow(GAMMA, bucket.getKey()) / (GAMMA + 1);
            }
        }
        throw new IllegalStateException("rank " + rank + " past the sketch's " + n + " values");
    }
}
