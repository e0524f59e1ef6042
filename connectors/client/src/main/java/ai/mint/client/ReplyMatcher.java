package ai.mint.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches replies to the futures waiting for them by id, and completes each future with the first reply only: a
 * request can be answered twice (the scheduler re-sends a pack whose worker died after answering but before reporting
 * it done, or a worker retries a publish), and the second answer is dropped by its id. Ids answered recently are
 * remembered (at most {@code remembered}), so a late duplicate is told from a reply nobody waits for.
 *
 * @param <T> the reply type
 */
final class ReplyMatcher<T> {

    private final Map<String, CompletableFuture<T>> pending = new ConcurrentHashMap<>();
    private final Set<String> answered;
    private final AtomicLong duplicates = new AtomicLong();

    ReplyMatcher(int remembered) {
        this.answered = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        }));
    }

    /** A future completed by the first reply with this id. */
    CompletableFuture<T> expect(String id) {
        CompletableFuture<T> future = new CompletableFuture<>();
        pending.put(id, future);
        future.whenComplete((r, e) -> pending.remove(id, future));
        return future;
    }

    /** Hands a reply to its waiting future; false when it is dropped (a second answer, or nobody waits for it). */
    boolean accept(String id, T reply) {
        if (!answered.add(id)) {
            duplicates.incrementAndGet();
            return false;
        }
        CompletableFuture<T> future = pending.get(id);
        return future != null && future.complete(reply);
    }

    /** Replies dropped because their id was answered already. */
    long duplicatesDropped() {
        return duplicates.get();
    }
}
