package ai.mint.engine.lora;

import ai.mint.engine.EngineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which adapters to load onto the device and which to evict so that a batch's adapters fit a byte budget.
 * A pure function of its arguments (LoRAX style): the I/O is done elsewhere by {@link AdapterSlots}. Eviction takes
 * the least recently used adapters first and never one that is pinned (in use) or wanted by the batch.
 */
public final class WorkingSetPlanner {

    /** What to evict (in order) and what to load. */
    public record Plan(List<String> evict, List<String> load) {
    }

    private WorkingSetPlanner() {
    }

    /**
     * @param resident device-resident adapters and their bytes, least recently used first
     * @param pinned   adapters that must not be evicted (a running batch uses them)
     * @param wanted   adapters the next batch needs and their bytes (rank-aware: what they take on the device)
     * @param budget   device bytes allowed for adapters
     */
    public static Plan plan(Map<String, Long> resident, Set<String> pinned, Map<String, Long> wanted, long budget) {
        long used = resident.values().stream().mapToLong(Long::longValue).sum();
        long needed = 0;
        List<String> load = new ArrayList<>();
        for (Map.Entry<String, Long> w : wanted.entrySet()) {
            if (!resident.containsKey(w.getKey())) {
                load.add(w.getKey());
                needed += w.getValue();
            }
        }
        List<String> evict = new ArrayList<>();
        Map<String, Long> candidates = new LinkedHashMap<>(resident);
        for (Map.Entry<String, Long> r : candidates.entrySet()) {
            if (used + needed <= budget) {
                break;
            }
            if (!pinned.contains(r.getKey()) && !wanted.containsKey(r.getKey())) {
                evict.add(r.getKey());
                used -= r.getValue();
            }
        }
        if (used + needed > budget) {
            throw new EngineException("adapters of this batch need " + needed + " bytes, only " + (budget - used)
                    + " of the " + budget + "-byte adapter budget can be freed (the rest is pinned or in this"
                    + " batch): raise the budget or split the batch");
        }
        return new Plan(evict, load);
    }
}
