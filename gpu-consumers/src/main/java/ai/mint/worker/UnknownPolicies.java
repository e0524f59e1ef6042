package ai.mint.worker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Policies the catalog did not have a moment ago, so that the wait for a policy that may have just been created is
 * paid once per policy and moment, not once per request (a pack of 100 requests for a misspelt policy would otherwise
 * hold the worker 100 times as long). Bounded: past {@link #MAX_REMEMBERED} names it starts afresh.
 */
final class UnknownPolicies {

    static final int MAX_REMEMBERED = 10_000;

    private final long memoryNanos;
    private final Map<String, Long> missingSince = new ConcurrentHashMap<>();

    UnknownPolicies(Duration memory) {
        this.memoryNanos = memory.toNanos();
    }

    /** Whether the policy was found missing within the memory. */
    boolean recentlyMissing(String policyId) {
        Long since = missingSince.get(policyId);
        if (since == null) {
            return false;
        }
        if (System.nanoTime() - since > memoryNanos) {
            missingSince.remove(policyId, since);
            return false;
        }
        return true;
    }

    void missing(String policyId) {
        if (missingSince.size() >= MAX_REMEMBERED) {
            missingSince.clear();
        }
        missingSince.put(policyId, System.nanoTime());
    }

    void found(String policyId) {
        missingSince.remove(policyId);
    }
}
