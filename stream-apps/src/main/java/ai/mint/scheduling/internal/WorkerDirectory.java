package ai.mint.scheduling.internal;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.events.AdapterState;
import ai.mint.events.AdapterTier;
import ai.mint.events.ResidentAdapter;
import ai.mint.events.WorkerStatus;
import ai.mint.scheduling.plan.AdapterKey;
import ai.mint.scheduling.plan.WorkerView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers as the global heartbeat store holds them, decoded into {@link WorkerView}s. A heartbeat is decoded
 * once (when its bytes change), and the store is read at most every {@link #REFRESH_MS}, so that a tick every few
 * milliseconds does not decode every worker's residency every time. Only workers that take packs (a work topic in
 * their heartbeat) are listed.
 */
final class WorkerDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerDirectory.class);

    /** Heartbeats come every second or more; re-reading the store ten times a second sees each one soon enough. */
    static final long REFRESH_MS = 100;
    /** Adapter states in which a worker has (or is about to have) the adapter. */
    private static final Set<AdapterState> HELD = EnumSet.of(AdapterState.READY, AdapterState.LOADING,
            AdapterState.QUEUED);

    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final EventDecoder<WorkerStatus> decoder;
    private final String topic;
    private final Map<String, Cached> cache = new HashMap<>();
    private boolean read;
    private long refreshedAtMs;
    private List<WorkerView> views = List.of();

    private record Cached(byte[] bytes, WorkerView view) {
    }

    WorkerDirectory(ReadOnlyKeyValueStore<String, byte[]> store, EventDecoder<WorkerStatus> decoder, String topic) {
        this.store = store;
        this.decoder = decoder;
        this.topic = topic;
    }

    Collection<WorkerView> workers(long nowMs) {
        if (!read || nowMs - refreshedAtMs >= REFRESH_MS || nowMs < refreshedAtMs) {
            refresh();
            read = true;
            refreshedAtMs = nowMs;
        }
        return views;
    }

    /** The view of one worker, if it takes packs. */
    WorkerView worker(String workerId, long nowMs) {
        return workers(nowMs).stream().filter(w -> w.workerId().equals(workerId)).findFirst().orElse(null);
    }

    private void refresh() {
        Set<String> seen = new HashSet<>();
        List<WorkerView> fresh = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                seen.add(kv.key);
                Cached cached = cache.get(kv.key);
                if (cached == null || !Arrays.equals(cached.bytes, kv.value)) {
                    cached = new Cached(kv.value, decode(kv.key, kv.value));
                    cache.put(kv.key, cached);
                }
                if (cached.view != null) {
                    fresh.add(cached.view);
                }
            }
        }
        cache.keySet().retainAll(seen);
        views = List.copyOf(fresh);
    }

    private WorkerView decode(String workerId, byte[] bytes) {
        // heartbeats are keyed by worker id, so the key is checked against that field, not policy_id
        DecodeResult<WorkerStatus> read = decoder.decode(topic, workerId, bytes);
        if (!read.ok()) {
            LOG.warn("heartbeat of worker {} ignored: {}", workerId, read.reason());
            return null;
        }
        return view(read.event());
    }

    /** The placement view of a heartbeat; null for a worker that takes no packs. */
    static WorkerView view(WorkerStatus s) {
        if (s.getWorkTopic() == null) {
            return null;
        }
        Map<String, WorkerView.Residency> resident = new HashMap<>();
        for (ResidentAdapter a : s.getResidentAdapters()) {
            if (!HELD.contains(a.getState())) {
                continue;
            }
            WorkerView.Tier tier = a.getTier() == AdapterTier.DEVICE ? WorkerView.Tier.DEVICE : WorkerView.Tier.CPU;
            if (a.getTier() == AdapterTier.STORAGE) {
                continue;
            }
            String id = AdapterKey.of(a.getPolicyId(), a.getRevision()).id();
            resident.merge(id, new WorkerView.Residency(tier, a.getBytes()),
                    (x, y) -> x.tier() == WorkerView.Tier.DEVICE ? x : y);
        }
        return new WorkerView(s.getWorkerId(), s.getInstanceId(), s.getTime().toEpochMilli(), s.getLeaving(),
                s.getQueueCapacity(), s.getCapacityBytes(), resident, s.getBaseModel());
    }
}
