package ai.mint.engine.lora;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.WorkingSet;
import ai.mint.engine.model.ModelConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device tier of the working set: adapters resident on the device under a byte budget that counts each adapter
 * at its own rank. Loading, evicting and replacing happen while batches run: a batch pins its adapters
 * ({@link #acquire}), and an adapter evicted or replaced while pinned is closed when its last batch releases it.
 */
public final class AdapterSlots implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager parent;
    private final AdapterCache store;
    private final long budgetBytes;
    private final LinkedHashMap<String, DeviceAdapter> resident = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<DeviceAdapter, Integer> pins = new HashMap<>();
    private final List<DeviceAdapter> retired = new ArrayList<>();
    private final Map<String, Long> lastUsedMs = new HashMap<>();
    private long loads;
    private long evictions;

    public AdapterSlots(ModelConfig config, NDManager parent, AdapterCache store, long budgetBytes) {
        this.config = config;
        this.parent = parent;
        this.store = store;
        this.budgetBytes = budgetBytes;
    }

    /** Makes the adapters resident (evicting others as the planner says) and pins them for one batch. */
    public synchronized List<DeviceAdapter> acquire(Collection<String> ids) {
        Map<String, Long> wanted = new LinkedHashMap<>();
        Map<String, LoraWeights> decoded = new HashMap<>();
        for (String id : ids) {
            if (!resident.containsKey(id) && !wanted.containsKey(id)) {
                LoraWeights w = store.get(id);
                decoded.put(id, w);
                wanted.put(id, w.byteSize());
            } else if (resident.containsKey(id)) {
                wanted.put(id, resident.get(id).byteSize());
            }
        }
        WorkingSetPlanner.Plan plan = WorkingSetPlanner.plan(residentSizes(null), pinnedIds(null), wanted,
                budgetBytes - retiredBytes());
        plan.evict().forEach(this::evict);
        for (String id : plan.load()) {
            resident.put(id, DeviceAdapter.upload(id, decoded.get(id), config, parent));
            loads++;
        }
        List<DeviceAdapter> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String id : ids) {
            lastUsedMs.put(id, now);
            DeviceAdapter r = resident.get(id);
            pins.merge(r, 1, Integer::sum);
            out.add(r);
        }
        return out;
    }

    /** Unpins adapters of a finished batch; closes those evicted or replaced meanwhile. */
    public synchronized void release(Collection<DeviceAdapter> adapters) {
        for (DeviceAdapter r : adapters) {
            if (pins.merge(r, -1, Integer::sum) <= 0) {
                pins.remove(r);
                if (retired.remove(r)) {
                    r.close();
                }
            }
        }
    }

    /** Loads {@code id} now (if it fits), e.g. to prefetch. */
    public void load(String id) {
        release(acquire(List.of(id)));
    }

    /** Removes {@code id} from the device; its memory is freed now, or when the batches using it finish. */
    public synchronized void evict(String id) {
        DeviceAdapter r = resident.remove(id);
        if (r == null) {
            return;
        }
        lastUsedMs.remove(id);
        evictions++;
        retire(r);
    }

    /**
     * Swaps in a new revision under the same id: the new weights are uploaded first, so batches never see the id
     * missing; batches already running finish on the old revision. Room is made first by evicting least recently
     * used unpinned adapters; an old revision still pinned keeps counting until its batches finish. If the revision
     * cannot fit, nothing changes (neither the device nor the CPU tier).
     */
    public synchronized void replace(String id, LoraWeights revision) {
        replace(id, revision, null);
    }

    /** Like {@link #replace(String, LoraWeights)}, also re-registering {@code id}'s files once the revision fits. */
    public synchronized void replace(String id, LoraWeights revision, java.nio.file.Path source) {
        revision.checkFits(config);
        DeviceAdapter old = resident.get(id);
        boolean oldStaysPinned = old != null && pins.containsKey(old);
        long unavailable = retiredBytes() + (oldStaysPinned ? old.byteSize() : 0);
        WorkingSetPlanner.Plan plan = WorkingSetPlanner.plan(residentSizes(id), pinnedIds(id),
                Map.of(id, revision.byteSize()), budgetBytes - unavailable);
        plan.evict().forEach(this::evict);
        if (source != null) {
            store.register(id, source);
        }
        store.put(id, revision);
        DeviceAdapter fresh = DeviceAdapter.upload(id, revision, config, parent);
        resident.put(id, fresh);
        lastUsedMs.put(id, System.currentTimeMillis());
        loads++;
        if (old != null) {
            retire(old);
        }
    }

    /** Resident adapters' sizes, least recently used first, without {@code except}. */
    private Map<String, Long> residentSizes(String except) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        resident.forEach((id, r) -> {
            if (!id.equals(except)) {
                sizes.put(id, r.byteSize());
            }
        });
        return sizes;
    }

    private Set<String> pinnedIds(String except) {
        Set<String> pinnedIds = new HashSet<>();
        resident.forEach((id, r) -> {
            if (pins.containsKey(r) && !id.equals(except)) {
                pinnedIds.add(id);
            }
        });
        return pinnedIds;
    }

    private long retiredBytes() {
        return retired.stream().mapToLong(DeviceAdapter::byteSize).sum();
    }

    private void retire(DeviceAdapter r) {
        if (pins.containsKey(r)) {
            retired.add(r);
        } else {
            r.close();
        }
    }

    /** The resident adapters, least recently used first, as the engine's working set reports them. */
    public synchronized List<WorkingSet.Adapter> snapshot() {
        List<WorkingSet.Adapter> out = new ArrayList<>(resident.size());
        resident.forEach((id, r) -> out.add(new WorkingSet.Adapter(id, r.byteSize(), r.rank(),
                WorkingSet.Tier.DEVICE, pins.containsKey(r), lastUsedMs.getOrDefault(id, 0L))));
        return out;
    }

    public synchronized Set<String> residentIds() {
        return Set.copyOf(resident.keySet());
    }

    public synchronized long residentBytes() {
        return resident.values().stream().mapToLong(DeviceAdapter::byteSize).sum();
    }

    /** Device bytes in use: resident adapters plus evicted or replaced ones that running batches still pin. */
    public synchronized long usedBytes() {
        return residentBytes() + retiredBytes();
    }

    /** Adapters (resident or retired) pinned by running batches. */
    public synchronized int pinnedCount() {
        return pins.size();
    }

    /** Evicted or replaced adapters whose memory waits for their last batch to finish. */
    public synchronized int retiredCount() {
        return retired.size();
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    public synchronized long loads() {
        return loads;
    }

    public synchronized long evictions() {
        return evictions;
    }

    @Override
    public synchronized void close() {
        resident.values().forEach(DeviceAdapter::close);
        retired.forEach(DeviceAdapter::close);
        resident.clear();
        retired.clear();
        pins.clear();
        lastUsedMs.clear();
    }
}
