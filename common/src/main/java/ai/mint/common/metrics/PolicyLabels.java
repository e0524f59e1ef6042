package ai.mint.common.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Bounded label cardinality for per-policy meters: at most {@code size} policies get a {@code policy} label of their
 * own, the rest share {@code policy="other"}. The named ones are the busiest by decayed request counts: free places go
 * to the first policies seen, and a policy that is clearly busier than the quietest named one (more than twice its
 * count plus a margin) takes its place; the demoted policy is reported so that its series can be removed (its traffic
 * is counted under "other" from then on). Counts are halved every {@code 100 x size} calls, so yesterday's traffic
 * does not keep a place forever, and at most {@code 4 x size} unnamed policies are tracked, so memory stays bounded
 * too. Thread-safe.
 */
public final class PolicyLabels {

    /** The tag name of every per-policy meter. */
    public static final String TAG = "policy";
    /** The label of every policy without one of its own. */
    public static final String OTHER = "other";
    /** The label of requests that never reached a known policy (bad input, unknown model). */
    public static final String NONE = "none";

    /** A newcomer must lead the quietest named policy by this many requests (past twice its count) to replace it. */
    private static final long MARGIN = 16;

    private final int size;
    private final long decayEvery;
    private final Map<String, Long> named = new HashMap<>();
    private final Map<String, Long> unnamed = new HashMap<>();
    private Consumer<String> onDemoted = policy -> { };
    private long calls;

    /** Labels of at most {@code size} policies. */
    public PolicyLabels(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.size = size;
        this.decayEvery = 100L * size;
    }

    /** Called with a policy that lost its label (to remove its series); replaces an earlier listener. */
    public synchronized PolicyLabels onDemoted(Consumer<String> listener) {
        this.onDemoted = listener;
        return this;
    }

    /** Counts one request of {@code policy} and returns the label to record it under: its id or {@link #OTHER}. */
    public synchronized String label(String policy) {
        if (++calls % decayEvery == 0) {
            decay();
        }
        Long count = named.get(policy);
        if (count != null) {
            named.put(policy, count + 1);
            return policy;
        }
        if (named.size() < size) {
            named.put(policy, unnamed.getOrDefault(policy, 0L) + 1);
            unnamed.remove(policy);
            return policy;
        }
        long mine = unnamed.merge(policy, 1L, Long::sum);
        Map.Entry<String, Long> quietest = named.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
        if (mine > 2 * quietest.getValue() + MARGIN) {
            String demoted = quietest.getKey();
            unnamed.put(demoted, quietest.getValue());
            named.remove(demoted);
            named.put(policy, mine);
            unnamed.remove(policy);
            bound();
            onDemoted.accept(demoted);
            return policy;
        }
        bound();
        return OTHER;
    }

    /** The policies that have a label of their own now. */
    public synchronized List<String> named() {
        return List.copyOf(named.keySet());
    }

    /** How many unnamed policies are tracked (at most {@code 4 x size}). */
    synchronized int tracked() {
        return unnamed.size();
    }

    private void decay() {
        named.replaceAll((p, c) -> c / 2);
        unnamed.replaceAll((p, c) -> c / 2);
        unnamed.values().removeIf(c -> c == 0);
    }

    /** Keeps the busiest {@code 2 x size} unnamed policies once more than {@code 4 x size} are tracked. */
    private void bound() {
        if (unnamed.size() <= 4 * size) {
            return;
        }
        List<Map.Entry<String, Long>> entries = new ArrayList<>(unnamed.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        for (Map.Entry<String, Long> dropped : entries.subList(2 * size, entries.size())) {
            unnamed.remove(dropped.getKey());
        }
    }
}
