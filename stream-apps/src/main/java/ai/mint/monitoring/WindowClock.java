package ai.mint.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's clock for tumbling windows, shared by the policy and the worker folds: the latest event time read,
 * advancing with the wall clock while no event comes (so that a replay closes windows by event time and a quiet
 * platform still sees its last window), and the end of the windows closed so far, kept in a store so that a restarted
 * task does not close them again. An event older than the closed windows, or timed further than the grace ahead of
 * the wall clock, is late.
 */
final class WindowClock {

    private final KeyValueStore<String, Long> store;
    private final String key;
    private final long sizeMs;
    private final long graceMs;
    private long closedUpTo;
    /** Latest event time read (-1: none since this task started) and the wall time it was read at. */
    private long streamTime = -1;
    private long streamTimeAtWall;

    WindowClock(KeyValueStore<String, Long> store, String key, long sizeMs, long graceMs) {
        this.store = store;
        this.key = key;
        this.sizeMs = sizeMs;
        this.graceMs = graceMs;
        Long closed = store.get(key);
        this.closedUpTo = closed == null ? Long.MIN_VALUE : closed;
    }

    boolean isLate(long time, long wall) {
        return time < closedUpTo || time > wall + graceMs;
    }

    /** Reads an event's time (one that is not late): the clock moves forward to it. */
    void observe(long time, long wall) {
        if (time > streamTime) {
            streamTime = time;
            streamTimeAtWall = wall;
        }
    }

    /** The clock: the latest event time, advanced by the wall time since it was read; -1 before any event. */
    long now(long wall) {
        return streamTime < 0 ? -1 : streamTime + Math.max(0, wall - streamTimeAtWall);
    }

    /**
     * Windows that start before the returned time have ended in time at {@code now} and are still open; -1 when none
     * is due. Call {@link #closed} once they are closed.
     */
    long dueBefore(long now) {
        if (now < 0) {
            return -1;
        }
        long closeBefore = startOf(now - graceMs);
        return closeBefore <= closedUpTo ? -1 : closeBefore;
    }

    void closed(long closeBefore) {
        closedUpTo = closeBefore;
        store.put(key, closedUpTo);
    }

    long startOf(long time) {
        return Math.floorDiv(time, sizeMs) * sizeMs;
    }

    long sizeMs() {
        return sizeMs;
    }

    /**
     * The windows of {@code windows} (keyed by {@link #key}) that start before {@code closeBefore}, oldest first; read
     * whole before the caller deletes them.
     */
    static <W> List<KeyValue<String, W>> due(KeyValueStore<String, W> windows, long closeBefore,
                                             ToLongFunction<W> start) {
        List<KeyValue<String, W>> due = new ArrayList<>();
        try (KeyValueIterator<String, W> it = windows.range(key(0, ""), key(closeBefore, ""))) {
            while (it.hasNext()) {
                KeyValue<String, W> next = it.next();
                if (start.applyAsLong(next.value) < closeBefore) {
                    due.add(next);
                }
            }
        }
        return due;
    }

    /** Store key of a window: {@code <19-digit start>/<subject>}, so that a range scan finds what is due. */
    static String key(long windowStart, String subject) {
        return String.format("%019d/%s", Math.max(0, windowStart), subject);
    }
}
