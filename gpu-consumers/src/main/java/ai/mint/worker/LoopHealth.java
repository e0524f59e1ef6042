package ai.mint.worker;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether every long-running loop of a worker (request loops, pack intake, catalog follower) is still going. A loop
 * rides out broker and registry outages with {@link #backoff} and reports here only when it cannot go on; from then on
 * the worker is unhealthy: its heartbeat stops (so the scheduler moves its packs away) and {@code mint worker} exits
 * non-zero instead of lingering with a dead thread.
 */
public final class LoopHealth {

    private static final Logger LOG = LoggerFactory.getLogger(LoopHealth.class);
    /** Longest pause between two tries of a loop that keeps failing. */
    static final long MAX_BACKOFF_MS = 30_000;

    private final CompletableFuture<String> failure = new CompletableFuture<>();

    /** Records that {@code loop} stopped for good because of {@code cause}; the first such report wins. */
    public void failed(String loop, Throwable cause) {
        String why = loop + " stopped: " + cause;
        if (failure.complete(why)) {
            LOG.error("worker unhealthy: {}", why, cause);
        }
    }

    /** Why the worker is unhealthy; empty while every loop runs. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure.getNow(null));
    }

    /** Completes with the reason once a loop has stopped for good. */
    public CompletableFuture<String> whenFailed() {
        return failure;
    }

    /**
     * The pause before try {@code attempt} (1 = the first retry) of a loop whose base pause is {@code baseMs}: doubled
     * per try up to {@link #MAX_BACKOFF_MS}, with up to 20% jitter so that workers do not retry in step.
     */
    static long backoff(long baseMs, int attempt) {
        long pause = Math.min(MAX_BACKOFF_MS, Math.max(1, baseMs) << Math.min(Math.max(0, attempt - 1), 16));
        return pause + ThreadLocalRandom.current().nextLong(pause / 5 + 1);
    }
}
