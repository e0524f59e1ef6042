package ai.mint.monitoring.board;

import ai.mint.events.Alert;
import ai.mint.events.PolicyView;
import ai.mint.events.WorkerView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The monitoring topics folded in memory for the query API and {@code mint top}: the latest view of each policy and
 * worker, each policy's last reward means, and the newest alerts (bounded). Thread-safe: a feed adds, queries read.
 */
public final class MonitorBoard {

    private final int history;
    private final int maxAlerts;
    private final Map<String, PolicyView> policies = new HashMap<>();
    private final Map<String, Deque<Double>> rewards = new HashMap<>();
    private final Map<String, WorkerView> workers = new TreeMap<>();
    private final Deque<Alert> alerts = new ArrayDeque<>();
    private final Set<String> alertIds = new HashSet<>();

    /**
     * @param history   reward means kept per policy
     * @param maxAlerts alerts kept
     */
    public MonitorBoard(int history, int maxAlerts) {
        this.history = history;
        this.maxAlerts = maxAlerts;
    }

    /** Adds a view or alert; a policy view older than the one held (a replay) is ignored, a repeated alert too. */
    public synchronized void add(Object record) {
        if (record instanceof PolicyView v) {
            PolicyView held = policies.get(v.getPolicyId());
            if (held != null && !v.getWindowStart().isAfter(held.getWindowStart())) {
                return;
            }
            policies.put(v.getPolicyId(), v);
            Deque<Double> line = rewards.computeIfAbsent(v.getPolicyId(), p -> new ArrayDeque<>());
            line.addLast(v.getRewardMean() == null ? Double.NaN : v.getRewardMean());
            while (line.size() > history) {
                line.removeFirst();
            }
        } else if (record instanceof WorkerView w) {
            workers.put(w.getWorkerId(), w);
        } else if (record instanceof Alert a && alertIds.add(a.getEventId())) {
            alerts.addLast(a);
            while (alerts.size() > maxAlerts) {
                alertIds.remove(alerts.removeFirst().getEventId());
            }
        }
    }

    /**
     * The policies of the newest windows first, busiest (requests/s) first within a window; a policy without
     * traffic keeps its last view, which sinks as newer windows close.
     */
    public synchronized List<PolicyRow> topPolicies(int limit) {
        return policies.values().stream()
                .sorted(Comparator.comparing((PolicyView v) -> v.getWindowEnd()).reversed()
                        .thenComparing(Comparator.comparingDouble(PolicyView::getRequestsPerSecond).reversed())
                        .thenComparing(PolicyView::getPolicyId))
                .limit(limit).map(this::row).toList();
    }

    public synchronized Optional<PolicyRow> policy(String policyId) {
        return Optional.ofNullable(policies.get(policyId)).map(this::row);
    }

    /** Every worker seen, by id. */
    public synchronized List<WorkerRow> workers() {
        return workers.values().stream().map(WorkerRow::of).toList();
    }

    /** The newest alerts, newest first. */
    public synchronized List<AlertRow> alerts(int limit) {
        List<AlertRow> newest = new ArrayList<>(Math.min(limit, alerts.size()));
        var it = alerts.descendingIterator();
        while (it.hasNext() && newest.size() < limit) {
            newest.add(AlertRow.of(it.next()));
        }
        return newest;
    }

    public MonitorSnapshot snapshot(int policyLimit, int alertLimit) {
        return new MonitorSnapshot(topPolicies(policyLimit), workers(), alerts(alertLimit));
    }

    private PolicyRow row(PolicyView v) {
        return PolicyRow.of(v, new ArrayList<>(rewards.getOrDefault(v.getPolicyId(), new ArrayDeque<>())));
    }
}
