package ai.mint.engine.lora;

import java.util.ArrayList;
import java.util.List;

/**
 * The working set's decisions as pure functions of what is resident, what is in use and the byte budgets (LoRAX
 * style): whether an adapter can go onto the device now, later or never, and which adapters to evict for it; which
 * decoded copies to drop from Java memory. {@link WorkingSet} holds the state and does the I/O; this class only
 * decides, so that the rules can be tested over random states.
 */
public final class TierPlanner {

    private TierPlanner() {
    }

    /**
     * An adapter whose copy is on the device.
     *
     * @param inUse    running rows use it: evicting it would free nothing until they finish
     * @param pinned   pinned resident by an operator: never evicted
     * @param demanded requests wait to use it: evicting it would only load it again
     */
    public record DeviceCopy(String id, long bytes, boolean inUse, boolean pinned, boolean demanded) {
        boolean evictable() {
            return !inUse && !pinned && !demanded;
        }
    }

    /** What to do for an adapter that wants the device. */
    public enum Verdict {
        /** It fits once the listed adapters are evicted (possibly none). */
        FITS,
        /** Not now: the room is held by adapters in use or waited for; try again when one is released. */
        WAIT,
        /** Never under this budget: it is larger than what pinned adapters leave. */
        NEVER
    }

    /** A device decision: the verdict, what to evict first (least recently used first), and a reason for NEVER. */
    public record DevicePlan(Verdict verdict, List<String> evict, String reason) {
    }

    /**
     * Places {@code need} bytes on the device.
     *
     * @param leastRecentFirst adapters with a device copy, least recently used first (the one asking is not among
     *                         them); read only as far as needed, so a large working set costs little per decision
     * @param pinnedBytes      bytes of the other pinned adapters (resident or not yet)
     * @param usedBytes        device bytes held now: resident copies, copies draining, uploads in flight
     * @param budget           device bytes the working set may hold
     * @param need             bytes of the adapter to place
     */
    public static DevicePlan placeOnDevice(Iterable<DeviceCopy> leastRecentFirst, long pinnedBytes, long usedBytes,
                                           long budget, long need) {
        long pinned = pinnedBytes;
        if (need > budget - pinned) {
            return new DevicePlan(Verdict.NEVER, List.of(), "it needs " + need + " bytes on the device and the device "
                    + "budget is " + budget + " bytes" + (pinned > 0 ? ", " + pinned + " of them pinned" : ""));
        }
        long free = budget - usedBytes;
        List<String> evict = new ArrayList<>();
        for (DeviceCopy c : leastRecentFirst) {
            if (free >= need) {
                break;
            }
            if (c.evictable()) {
                evict.add(c.id());
                free += c.bytes();
            }
        }
        return free >= need ? new DevicePlan(Verdict.FITS, evict, null) : new DevicePlan(Verdict.WAIT, List.of(), null);
    }

    /**
     * A decoded copy in Java memory.
     *
     * @param wanted it waits for device room: dropping it means reading its files again
     */
    public record CpuCopy(String id, long bytes, boolean wanted) {
    }

    /**
     * Which copies to drop so that {@code usedBytes} fits {@code budget}: unwanted ones first, then wanted ones only
     * if that is not enough, least recently used first within each kind.
     *
     * @param leastRecentFirst the decoded copies, least recently used first; read only as far as needed
     */
    public static List<String> trimCpu(Iterable<CpuCopy> leastRecentFirst, long usedBytes, long budget) {
        List<String> drop = new ArrayList<>();
        long used = usedBytes;
        for (boolean wanted : new boolean[] {false, true}) {
            for (CpuCopy c : leastRecentFirst) {
                if (used <= budget) {
                    return drop;
                }
                if (c.wanted() == wanted) {
                    drop.add(c.id());
                    used -= c.bytes();
                }
            }
        }
        return drop;
    }
}
