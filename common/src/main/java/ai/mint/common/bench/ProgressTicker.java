package ai.mint.common.bench;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Prints a benchmark's progress line at a fixed interval from a daemon thread while long work runs on the caller's
 * thread (set-up, a run that takes minutes), so that someone watching always sees it move. Close it when the work
 * is done. {@link BenchRun} uses one for its rounds; benchmarks use one for their own set-up.
 *
 * <pre>{@code
 * int[] done = {0};
 * try (ProgressTicker t = ProgressTicker.start("engine: writing adapters", () -> done[0] + " of 1000")) {
 *     for (...) { write(i); done[0]++; }
 * }
 * }</pre>
 */
public final class ProgressTicker implements AutoCloseable {

    /** The interval every benchmark promises: a progress line at least every 10 s. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final ScheduledExecutorService scheduler;

    private ProgressTicker(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Every 10 s prints "  [what] N s: " followed by {@code state}'s current text to standard out. */
    public static ProgressTicker start(String what, Supplier<String> state) {
        return start(what, state, DEFAULT_INTERVAL, ProgressTicker::printLine);
    }

    /** Every {@code interval} hands "  [what] N s: " + {@code state} to {@code sink}. */
    public static ProgressTicker start(String what, Supplier<String> state, Duration interval, Consumer<String> sink) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("progress interval must be positive, got " + interval);
        }
        long start = System.nanoTime();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress-" + what);
            t.setDaemon(true);
            return t;
        });
        long every = interval.toNanos();
        scheduler.scheduleAtFixedRate(() -> sink.accept(String.format(java.util.Locale.ROOT, "  [%s] %.0f s: %s", what,
                (System.nanoTime() - start) / 1e9, state.get())), every, every, TimeUnit.NANOSECONDS);
        return new ProgressTicker(scheduler);
    }

    /** Prints and flushes one line to standard out (the default sink). */
    public static void printLine(String line) {
        System.out.println(line);
        System.out.flush();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
