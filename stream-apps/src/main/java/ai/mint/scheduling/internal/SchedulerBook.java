package ai.mint.scheduling.internal;

import ai.mint.scheduling.plan.AdapterKey;
import ai.mint.scheduling.plan.Decision;
import ai.mint.scheduling.plan.InFlightPack;
import ai.mint.scheduling.plan.PendingRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's book of requests: the requests store (the truth, changelogged) and, derived from it, the waiting
 * requests and the packs in flight that the planner reads on every tick (rebuilt from the store when the task starts,
 * so a restored task goes on where it stopped).
 */
final class SchedulerBook {

    private final KeyValueStore<String, TrackedRequest> requests;
    private final KeyValueStore<String, String> doneIndex;
    private final Map<String, PendingRequest> pending = new LinkedHashMap<>();
    private final Map<String, Pack> packs = new LinkedHashMap<>();

    /** A pack in flight: where it went and which of its requests are unanswered. */
    private static final class Pack {
        final String workerId;
        final String instance;
        final AdapterKey adapter;
        final long bytes;
        final long sentAtMs;
        final Map<String, PendingRequest> open = new LinkedHashMap<>();

        Pack(String workerId, String instance, AdapterKey adapter, long bytes, long sentAtMs) {
            this.workerId = workerId;
            this.instance = instance;
            this.adapter = adapter;
            this.bytes = bytes;
            this.sentAtMs = sentAtMs;
        }
    }

    SchedulerBook(KeyValueStore<String, TrackedRequest> requests, KeyValueStore<String, String> doneIndex) {
        this.requests = requests;
        this.doneIndex = doneIndex;
        rebuild();
    }

    private void rebuild() {
        List<TrackedRequest> open = new ArrayList<>();
        try (KeyValueIterator<String, TrackedRequest> all = requests.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.status() != TrackedRequest.Status.DONE) {
                    open.add(kv.value);
                }
            });
        }
        open.sort(java.util.Comparator.comparingLong(TrackedRequest::arrivedAtMs));
        for (TrackedRequest t : open) {
            if (t.status() == TrackedRequest.Status.PENDING) {
                pending.put(t.requestId(), waiting(t));
            } else {
                packs.computeIfAbsent(t.packId(), id -> new Pack(t.workerId(), t.instance(), adapter(t), t.bytes(),
                        t.sentAtMs())).open.put(t.requestId(), waiting(t));
            }
        }
    }

    /** Whether the request id was seen already (waiting, sent or answered). */
    boolean knows(String requestId) {
        return requests.get(requestId) != null;
    }

    TrackedRequest get(String requestId) {
        return requests.get(requestId);
    }

    /** A new request, read at {@code readAtMs}. */
    void arrived(TrackedRequest t, long readAtMs) {
        requests.put(t.requestId(), t);
        pending.put(t.requestId(), new PendingRequest(t.requestId(), adapter(t), t.bytes(), t.arrivedAtMs(), t.sends(),
                readAtMs));
    }

    List<PendingRequest> pending() {
        return List.copyOf(pending.values());
    }

    List<InFlightPack> inFlight() {
        List<InFlightPack> out = new ArrayList<>(packs.size());
        packs.forEach((id, p) -> out.add(new InFlightPack(id, p.workerId, p.instance, p.adapter, p.bytes,
                List.copyOf(p.open.values()), p.sentAtMs)));
        return out;
    }

    boolean idle() {
        return pending.isEmpty() && packs.isEmpty();
    }

    /** A reassigned pack's requests wait again (the same decision may place them at once). */
    void takeBack(InFlightPack pack) {
        Pack p = packs.remove(pack.packId());
        if (p == null) {
            return;
        }
        for (String id : p.open.keySet()) {
            TrackedRequest t = requests.get(id);
            if (t != null && t.status() == TrackedRequest.Status.IN_FLIGHT) {
                TrackedRequest back = t.takenBack();
                requests.put(id, back);
                pending.put(id, waiting(back));
            }
        }
    }

    /** Records a pack as sent; returns the tracked requests it carries, in pack order. */
    List<TrackedRequest> sent(Decision.Pack pack, String packId, long nowMs) {
        Pack p = new Pack(pack.workerId(), pack.instance(), pack.adapter(), pack.bytes(), nowMs);
        List<TrackedRequest> carried = new ArrayList<>(pack.requests().size());
        for (PendingRequest q : pack.requests()) {
            TrackedRequest t = requests.get(q.requestId()).sent(packId, pack.workerId(), pack.instance(), nowMs);
            requests.put(q.requestId(), t);
            pending.remove(q.requestId());
            p.open.put(q.requestId(), waiting(t));
            carried.add(t);
        }
        packs.put(packId, p);
        return carried;
    }

    /** Marks a request answered (by a worker, or by the scheduler's error); false when it was answered already. */
    boolean done(String requestId, long nowMs) {
        TrackedRequest t = requests.get(requestId);
        if (t == null || t.status() == TrackedRequest.Status.DONE) {
            return false;
        }
        pending.remove(requestId);
        if (t.packId() != null) {
            Pack p = packs.get(t.packId());
            if (p != null) {
                p.open.remove(requestId);
                if (p.open.isEmpty()) {
                    packs.remove(t.packId());
                }
            }
        }
        requests.put(requestId, t.done(nowMs));
        doneIndex.put(indexKey(nowMs, requestId), requestId);
        return true;
    }

    /** Forgets requests answered before {@code beforeMs}; returns how many. */
    int forgetDoneBefore(long beforeMs) {
        List<KeyValue<String, String>> old = new ArrayList<>();
        try (KeyValueIterator<String, String> range = doneIndex.range(indexKey(0, ""), indexKey(beforeMs, ""))) {
            range.forEachRemaining(old::add);
        }
        for (KeyValue<String, String> kv : old) {
            doneIndex.delete(kv.key);
            requests.delete(kv.value);
        }
        return old.size();
    }

    private static String indexKey(long ms, String requestId) {
        return String.format(Locale.ROOT, "%015d/%s", ms, requestId);
    }

    private static AdapterKey adapter(TrackedRequest t) {
        return AdapterKey.of(t.policyId(), t.revision(), t.baseModel());
    }

    private static PendingRequest waiting(TrackedRequest t) {
        return new PendingRequest(t.requestId(), adapter(t), t.bytes(), t.arrivedAtMs(), t.sends());
    }
}
