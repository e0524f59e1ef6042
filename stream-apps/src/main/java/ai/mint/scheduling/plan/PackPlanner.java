package ai.mint.scheduling.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduler's placement decision, a pure function: (workers, in-flight packs, pending requests, budgets, now) ->
 * (packs taken back, loads and packs to send, requests given up). No I/O and no clock of its own, so that every rule
 * is tested over random arrivals ({@code PackPlannerProperties}).
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>A pack whose worker is gone (no heartbeat within the timeout, said it stops more than the leave grace ago,
 *       or restarted as a new instance), or that stayed unanswered past the pack timeout, is taken back; its
 *       unanswered requests are placed again, unless they were sent {@code maxSends} times already (then they are
 *       given up: such a request may be what stops workers).</li>
 *   <li>Requests are grouped by adapter revision; groups are served oldest first, and each pack holds up to
 *       {@code maxPackRequests} requests of one group. A group that cannot fill a pack waits until its first request
 *       was read {@code gatherMs} ago, or until none came for {@code quietMs}, so that requests sent together leave
 *       together and a lone one leaves soon.</li>
 *   <li>A pack goes to a worker that keeps the adapter's base model resident and holds the adapter (already in a pack in flight there, or on the device, before
 *       the CPU tier), the one with the most free queue among those; else to the worker with room for the adapter
 *       and the most free queue, with a load scheduled right before the pack.</li>
 *   <li>Budgets per worker: requests in flight at most the decision's share of its queue capacity; bytes of the
 *       distinct adapters its in-flight packs use at most the share of its device budget. Work that fits nowhere
 *       waits; a request waiting past {@code maxWaitMs} is given up with the reason.</li>
 * </ol>
 */
public final class PackPlanner {

    private PackPlanner() {
    }

    /**
     * Decides one round of placement.
     *
     * @param nowMs    the time of the decision (epoch ms)
     * @param workers  the latest heartbeat of every worker
     * @param inFlight packs sent and not fully answered
     * @param pending  requests waiting, oldest first
     */
    public static Decision decide(long nowMs, Collection<WorkerView> workers, Collection<InFlightPack> inFlight,
                                  List<PendingRequest> pending, Budgets budgets) {
        Map<String, WorkerView> byId = new HashMap<>();
        workers.forEach(w -> byId.put(w.workerId(), w));
        Map<String, Room> rooms = new LinkedHashMap<>();
        workers.stream().filter(w -> w.live(nowMs, budgets.heartbeatTimeoutMs()))
                .sorted(Comparator.comparing(WorkerView::workerId))
                .forEach(w -> rooms.put(w.workerId(), new Room(w, budgets)));

        List<Decision.Reassignment> reassigned = new ArrayList<>();
        for (InFlightPack pack : inFlight) {
            Optional<String> gone = whyTakenBack(pack, byId.get(pack.workerId()), nowMs, budgets);
            if (gone.isPresent()) {
                reassigned.add(new Decision.Reassignment(pack, gone.get()));
            } else if (rooms.containsKey(pack.workerId())) {
                rooms.get(pack.workerId()).hold(pack.adapter(), pack.bytes(), pack.requests().size());
            }
        }

        List<Decision.Expired> expired = new ArrayList<>();
        List<PendingRequest> queue = new ArrayList<>();
        for (Decision.Reassignment r : reassigned) {
            for (PendingRequest q : r.pack().requests()) {
                if (q.sends() >= budgets.maxSends()) {
                    expired.add(new Decision.Expired(q, "sent " + q.sends() + " times to workers that stopped before"
                            + " answering (last: " + r.reason() + "); not sent again"));
                } else {
                    queue.add(q);
                }
            }
        }
        queue.addAll(pending);
        queue.sort(Comparator.comparingLong(PendingRequest::arrivedAtMs)); // stable: reassigned first among equals

        Map<AdapterKey, Deque<PendingRequest>> groups = new LinkedHashMap<>();
        for (PendingRequest q : queue) {
            groups.computeIfAbsent(q.adapter(), k -> new ArrayDeque<>()).add(q);
        }
        List<Decision.Work> work = new ArrayList<>();
        List<PendingRequest> waiting = new ArrayList<>();
        for (Map.Entry<AdapterKey, Deque<PendingRequest>> group : groups.entrySet()) {
            AdapterKey adapter = group.getKey();
            Deque<PendingRequest> requests = group.getValue();
            long bytes = requests.stream().mapToLong(PendingRequest::bytes).max().orElse(0);
            LongSummaryStatistics reads = requests.stream().mapToLong(PendingRequest::readAtMs).summaryStatistics();
            boolean gathering = requests.size() < budgets.maxPackRequests()
                    && nowMs - reads.getMin() < budgets.gatherMs() && nowMs - reads.getMax() < budgets.quietMs();
            while (!requests.isEmpty() && !gathering) {
                Optional<Room> chosen = choose(rooms.values(), adapter, bytes);
                if (chosen.isEmpty()) {
                    break;
                }
                Room room = chosen.get();
                int n = Math.min(Math.min(budgets.maxPackRequests(), room.freeRequests()), requests.size());
                List<PendingRequest> packed = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    packed.add(requests.poll());
                }
                boolean cold = adapter.resolved() && !room.holds(adapter);
                if (cold && budgets.prefetch()) {
                    work.add(new Decision.Load(room.worker.workerId(), room.worker.instance(), adapter, bytes));
                }
                work.add(new Decision.Pack(room.worker.workerId(), room.worker.instance(), adapter, bytes, packed,
                        cold));
                room.hold(adapter, bytes, n);
            }
            for (PendingRequest q : requests) {
                if (nowMs - q.arrivedAtMs() > budgets.maxWaitMs()) {
                    expired.add(new Decision.Expired(q, whyUnplaced(rooms.values(), adapter, bytes, budgets)));
                } else {
                    waiting.add(q);
                }
            }
        }
        waiting.sort(Comparator.comparingLong(PendingRequest::arrivedAtMs));
        return new Decision(reassigned, work, expired, waiting);
    }

    private static Optional<String> whyTakenBack(InFlightPack pack, WorkerView worker, long nowMs, Budgets budgets) {
        if (worker == null) {
            return Optional.of("worker " + pack.workerId() + " is gone");
        }
        if (!worker.instance().equals(pack.instance())) {
            return Optional.of("worker " + pack.workerId() + " restarted");
        }
        if (worker.leaving() && nowMs - worker.heartbeatAtMs() > budgets.leaveGraceMs()) {
            return Optional.of("worker " + pack.workerId() + " stopped");
        }
        if (nowMs - worker.heartbeatAtMs() > budgets.heartbeatTimeoutMs()) {
            return Optional.of("worker " + pack.workerId() + " sent no heartbeat for " + (nowMs - worker.heartbeatAtMs())
                    + " ms");
        }
        if (nowMs - pack.sentAtMs() > budgets.packTimeoutMs()) {
            return Optional.of("pack " + pack.packId() + " unanswered by " + pack.workerId() + " for "
                    + (nowMs - pack.sentAtMs()) + " ms");
        }
        return Optional.empty();
    }

    /** Warm workers first (in flight, then device, then CPU), then the most free queue; cold ones need room. */
    private static Optional<Room> choose(Collection<Room> rooms, AdapterKey adapter, long bytes) {
        Comparator<Room> byFreeQueue = Comparator.comparingInt(Room::freeRequests).reversed();
        Optional<Room> warm = rooms.stream()
                .filter(r -> adapter.runsOn(r.worker.baseModel()))
                .filter(r -> r.freeRequests() > 0 && r.warmth(adapter) < Room.COLD && r.fits(adapter, bytes))
                .min(Comparator.comparingInt((Room r) -> r.warmth(adapter)).thenComparing(byFreeQueue));
        if (warm.isPresent()) {
            return warm;
        }
        return rooms.stream().filter(r -> adapter.runsOn(r.worker.baseModel()))
                .filter(r -> r.freeRequests() > 0 && r.fits(adapter, bytes))
                .min(byFreeQueue.thenComparingLong(Room::heldBytes));
    }

    private static String whyUnplaced(Collection<Room> all, AdapterKey adapter, long bytes, Budgets budgets) {
        List<Room> rooms = all.stream().filter(r -> adapter.runsOn(r.worker.baseModel())).toList();
        if (rooms.isEmpty()) {
            return "no inference worker" + (adapter.baseModel() == null ? "" : " with base model '"
                    + adapter.baseModel() + "'") + " was available within " + budgets.maxWaitMs() + " ms";
        }
        if (rooms.stream().noneMatch(r -> bytes <= budgets.byteShare(r.worker.deviceBudgetBytes()))) {
            return "adapter " + adapter.id() + " needs " + bytes + " bytes, more than the device budget any of "
                    + rooms.size() + " workers has for it";
        }
        return "not placed within " + budgets.maxWaitMs() + " ms: all " + rooms.size()
                + " inference workers were full";
    }

    /** What one live worker can still take in this decision. */
    private static final class Room {

        static final int IN_FLIGHT = 0;
        static final int DEVICE = 1;
        static final int CPU = 2;
        static final int COLD = 3;

        final WorkerView worker;
        final int requestBudget;
        final long byteBudget;
        final Map<AdapterKey, Long> held = new HashMap<>();
        int requests;
        long heldBytes;

        Room(WorkerView worker, Budgets budgets) {
            this.worker = worker;
            this.requestBudget = budgets.requestShare(worker.queueCapacity());
            this.byteBudget = budgets.byteShare(worker.deviceBudgetBytes());
        }

        int freeRequests() {
            return requestBudget - requests;
        }

        long heldBytes() {
            return heldBytes;
        }

        int warmth(AdapterKey adapter) {
            if (held.containsKey(adapter)) {
                return IN_FLIGHT;
            }
            WorkerView.Residency r = worker.resident().get(adapter.id());
            if (r == null) {
                return COLD;
            }
            return r.tier() == WorkerView.Tier.DEVICE ? DEVICE : CPU;
        }

        /** The worker has the adapter or is about to (a pack in flight uses it). */
        boolean holds(AdapterKey adapter) {
            return warmth(adapter) <= DEVICE;
        }

        boolean fits(AdapterKey adapter, long bytes) {
            return held.containsKey(adapter) || heldBytes + bytes <= byteBudget;
        }

        void hold(AdapterKey adapter, long bytes, int n) {
            requests += n;
            if (held.putIfAbsent(adapter, bytes) == null) {
                heldBytes += bytes;
            }
        }
    }
}
