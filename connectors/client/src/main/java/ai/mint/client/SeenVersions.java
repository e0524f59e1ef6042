package ai.mint.client;

import ai.mint.events.CatalogEntry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest catalog entry version this client has shown its caller, per policy, so a sample sent after the caller
 * saw a promotion or a rollback is answered by that revision (read-your-writes): the catalog's query API answers
 * from its stores, ahead of the topic the workers follow. Bounded: the least recently seen policies are forgotten
 * (a forgotten policy is answered with whatever the worker holds).
 */
final class SeenVersions {

    static final int DEFAULT_CAPACITY = 10_000;

    private final Map<String, Long> versions;

    SeenVersions(int capacity) {
        this.versions = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers the entry's version if it is the newest seen for its policy; returns the entry. */
    synchronized CatalogEntry saw(CatalogEntry entry) {
        versions.merge(entry.getPolicyId(), entry.getVersion(), Math::max);
        return entry;
    }

    /** The newest version seen for the policy, or null when none is remembered. */
    synchronized Long of(String policyId) {
        return versions.get(policyId);
    }
}
