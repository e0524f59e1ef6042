package ai.mint.common.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What one run of a benchmark variant measured: named timed parts (e.g. merge, write, load) and named metrics
 * (e.g. tokens generated, peak RSS). A {@link BenchRun.Trial} gets a fresh sample per run. Work done outside
 * {@link #time}/{@link #timed} (set-up, checks) is not timed; a trial that times nothing is timed whole as
 * {@value #TOTAL}. The run's total is the sum of its parts.
 */
public final class Sample {

    /** The part name of a run's total time. */
    public static final String TOTAL = "total";

    /** A timed body that may throw, like {@link Runnable} with checked exceptions. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final int sequence;
    private final boolean warmUp;
    private final Map<String, Long> partNanos = new LinkedHashMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private long wholeNanos;

    /** A sample outside any run, for running a trial once for its side effects (e.g. peak memory in a child JVM). */
    public static Sample standalone() {
        return new Sample(0, false);
    }

    Sample(int sequence, boolean warmUp) {
        this.sequence = sequence;
        this.warmUp = warmUp;
    }

    /**
     * Which run of its variant this is, counting warm-ups: 0 is the first warm-up (or the first timed run when
     * there is none). Lets a trial vary its input across runs, e.g. cycle through a large set of adapters.
     */
    public int sequence() {
        return sequence;
    }

    public boolean isWarmUp() {
        return warmUp;
    }

    /** Runs {@code body} and adds its wall time to {@code part} (a part timed twice in a run adds up). */
    public void time(String part, Body body) throws Exception {
        long start = System.nanoTime();
        try {
            body.run();
        } finally {
            recordNanos(part, System.nanoTime() - start);
        }
    }

    /** Like {@link #time}, for a body that returns what the next, separately timed, part needs. */
    public <T> T timed(String part, Callable<T> body) throws Exception {
        long start = System.nanoTime();
        try {
            return body.call();
        } finally {
            recordNanos(part, System.nanoTime() - start);
        }
    }

    /** Adds a duration measured elsewhere (e.g. reported by a child process) to {@code part}. */
    public void recordNanos(String part, long nanos) {
        if (TOTAL.equals(part)) {
            throw new IllegalArgumentException("'" + TOTAL + "' is the sum of the parts; name the part");
        }
        if (nanos < 0) {
            throw new IllegalArgumentException("negative duration " + nanos + " ns for part " + part);
        }
        partNanos.merge(part, nanos, Long::sum);
    }

    /** Records a value that is not a duration (tokens, bytes, a count); the last value of a run counts. */
    public void metric(String name, double value) {
        metrics.put(name, value);
    }

    /** Called by the runner when the trial returns, with the trial's whole wall time. */
    void finish(long nanos) {
        wholeNanos = nanos;
    }

    /** The run's total: the sum of its parts, or the whole trial when it timed no part. */
    long totalNanos() {
        return partNanos.isEmpty() ? wholeNanos : partNanos.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, Long> partNanos() {
        return Collections.unmodifiableMap(partNanos);
    }

    Map<String, Double> metrics() {
        return Collections.unmodifiableMap(metrics);
    }
}
