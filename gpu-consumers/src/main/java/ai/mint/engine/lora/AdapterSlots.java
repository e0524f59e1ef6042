package ai.mint.engine.lora;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
    private final AdapterStore store;
    private final long budgetBytes;
    private final LinkedHashMap<String, ResidentAdapter> resident = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<ResidentAdapter, Integer> pins = new HashMap<>();
    private final List<ResidentAdapter> retired = new ArrayList<>();
    private long loads;
    private long evictions;

    public AdapterSlots(ModelConfig config, NDManager parent, AdapterStore store, long budgetBytes) {
        this.config = config;
        this.parent = parent;
        this.store = store;
        this.budgetBytes = budgetBytes;
    }

    /** Makes the adapters resident (evicting others as the planner says) and pins them for one batch. */
    public synchronized List<ResidentAdapter> acquire(Collection<String> ids) {
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
        Map<String, Long> sizes = new LinkedHashMap<>();
        resident.forEach((id, r) -> sizes.put(id, r.byteSize()));
        Set<String> pinnedIds = new java.util.HashSet<>();
        resident.forEach((id, r) -> {
            if (pins.containsKey(r)) {
                pinnedIds.add(id);
            }
        });
        WorkingSetPlanner.Plan plan = WorkingSetPlanner.plan(sizes, pinnedIds, wanted, budgetBytes);
        plan.evict().forEach(this::evict);
        for (String id : plan.load()) {
            resident.put(id, ResidentAdapter.upload(id, decoded.get(id), config, parent));
            loads++;
        }
        List<ResidentAdapter> out = new ArrayList<>();
        for (String id : ids) {
            ResidentAdapter r = resident.get(id);
            pins.merge(r, 1, Integer::sum);
            out.add(r);
        }
        return out;
    }

    /** Unpins adapters of a finished batch; closes those evicted or replaced meanwhile. */
    public synchronized void release(Collection<ResidentAdapter> adapters) {
        for (ResidentAdapter r : adapters) {
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
        ResidentAdapter r = resident.remove(id);
        if (r == null) {
            return;
        }
        evictions++;
        retire(r);
    }

    /**
     * Swaps in a new revision under the same id: the new weights are uploaded first, so batches never see the id
     * missing; batches already running finish on the old revision.
     */
    public synchronized void replace(String id, LoraWeights revision) {
        store.put(id, revision);
        ResidentAdapter fresh = ResidentAdapter.upload(id, revision, config, parent);
        ResidentAdapter old = resident.put(id, fresh);
        loads++;
        if (old != null) {
            retire(old);
        }
        if (residentBytes() > budgetBytes) {
            evict(id);
            throw new EngineException("revision of '" + id + "' (" + revision.byteSize() + " bytes) does not fit the "
                    + budgetBytes + "-byte adapter budget");
        }
    }

    private void retire(ResidentAdapter r) {
        if (pins.containsKey(r)) {
            retired.add(r);
        } else {
            r.close();
        }
    }

    public synchronized Set<String> residentIds() {
        return Set.copyOf(resident.keySet());
    }

    public synchronized long residentBytes() {
        return resident.values().stream().mapToLong(ResidentAdapter::byteSize).sum();
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
        resident.values().forEach(ResidentAdapter::close);
        retired.forEach(ResidentAdapter::close);
        resident.clear();
        retired.clear();
        pins.clear();
    }
}
