package ai.mint.worker;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The revisions of each policy this worker used most recently. A policy promoted at every step has a new revision per
 * step, and the catalog keeps every one that served (a rollback target), so without a bound per policy the working set
 * fills with superseded revisions of one policy until the byte budget pushes them out, at the expense of other
 * policies' adapters. Bounded in policies too (least recently used forgotten), so a sweep of many policies stays small.
 */
final class RecentRevisions {

    private static final int MAX_POLICIES = 65_536;

    private final int keepPerPolicy;
    private final Map<String, LinkedHashSet<String>> byPolicy = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LinkedHashSet<String>> eldest) {
            return size() > MAX_POLICIES;
        }
    };

    RecentRevisions(int keepPerPolicy) {
        if (keepPerPolicy < 1) {
            throw new IllegalArgumentException("a worker keeps at least 1 revision per policy; got " + keepPerPolicy);
        }
        this.keepPerPolicy = keepPerPolicy;
    }

    /** {@code revision} of {@code policy} is used now; returns that policy's older revisions beyond the bound. */
    synchronized List<String> use(String policy, String revision) {
        LinkedHashSet<String> revisions = byPolicy.computeIfAbsent(policy, k -> new LinkedHashSet<>());
        revisions.remove(revision);
        revisions.add(revision); // newest last
        int surplus = revisions.size() - keepPerPolicy;
        if (surplus <= 0) {
            return List.of();
        }
        List<String> older = new ArrayList<>(surplus);
        Iterator<String> it = revisions.iterator();
        while (older.size() < surplus) {
            older.add(it.next());
        }
        return older;
    }

    /** {@code revision} left the working set (evicted, or retired by the catalog). */
    synchronized void forget(String policy, String revision) {
        LinkedHashSet<String> revisions = byPolicy.get(policy);
        if (revisions != null && revisions.remove(revision) && revisions.isEmpty()) {
            byPolicy.remove(policy);
        }
    }
}
