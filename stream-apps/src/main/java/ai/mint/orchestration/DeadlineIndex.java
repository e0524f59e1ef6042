package ai.mint.orchestration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The loops that wait on a request, ordered by deadline, in a changelogged store beside the loop states: key
 * {@code <deadline ms, 19 digits>/<policy>}, value the awaited correlation id. The periodic check reads only the
 * entries already due, so its cost follows the expiries, not the number of policies.
 */
final class DeadlineIndex {

    /** A request past its deadline. */
    record Due(String policyId, String correlation, long deadlineAtMs) {
    }

    private final KeyValueStore<String, String> store;
    private final StageDeadlines deadlines;

    DeadlineIndex(KeyValueStore<String, String> store, StageDeadlines deadlines) {
        this.store = store;
        this.deadlines = deadlines;
    }

    /**
     * Keeps the index in step with a loop that goes from {@code before} (null: new) to {@code after}: a new request
     * gets its stage's deadline from {@code nowMs}, a request no longer awaited leaves the index.
     *
     * @return {@code after} with its deadline
     */
    LoopState track(String policyId, LoopState before, LoopState after, long nowMs) {
        String awaited = after.phase().inFlight() ? after.pendingCorrelation() : null;
        String awaitedBefore = before != null && before.phase().inFlight() ? before.pendingCorrelation() : null;
        if (awaited != null && awaited.equals(awaitedBefore)) {
            return after.deadlineAtMs() == before.deadlineAtMs() ? after : after.dueAt(before.deadlineAtMs());
        }
        if (before != null && before.deadlineAtMs() > 0) {
            store.delete(key(before.deadlineAtMs(), policyId));
        }
        if (awaited == null) {
            return after;
        }
        long wait = deadlines.of(after.phase());
        if (wait <= 0) {
            return after.dueAt(0);
        }
        long at = nowMs + wait;
        store.put(key(at, policyId), awaited);
        return after.dueAt(at);
    }

    /** The entries due at {@code nowMs}, taken out of the index. */
    List<Due> takeDue(long nowMs) {
        List<Due> due = new ArrayList<>();
        // every key has "/policy" after its digits, so the bare digits of now + 1 sort after every key due by now
        try (KeyValueIterator<String, String> it = store.range(key(0, ""), digits(nowMs + 1))) {
            while (it.hasNext()) {
                KeyValue<String, String> e = it.next();
                int slash = e.key.indexOf('/');
                due.add(new Due(e.key.substring(slash + 1), e.value, Long.parseLong(e.key.substring(0, slash))));
            }
        }
        due.forEach(d -> store.delete(key(d.deadlineAtMs(), d.policyId())));
        return due;
    }

    /** Whether {@code due} is still what {@code state} waits on (not answered or restarted meanwhile). */
    static boolean stillAwaited(Due due, LoopState state) {
        return state != null && state.phase().inFlight() && state.deadlineAtMs() == due.deadlineAtMs()
                && Objects.equals(state.pendingCorrelation(), due.correlation());
    }

    private static String key(long atMs, String policyId) {
        return digits(atMs) + "/" + policyId;
    }

    private static String digits(long ms) {
        return String.format(Locale.ROOT, "%019d", ms);
    }
}
