package ai.mint.engine;

import java.util.List;

/**
 * The engine's working set at one moment, as a worker reports it in its heartbeat: every serving adapter held on the
 * device or in the CPU tier (each listed once, in the highest tier that holds it) and the byte budgets of both tiers.
 *
 * @param adapters          adapters held, device tier first
 * @param deviceBudgetBytes device bytes serving adapters may take
 * @param deviceUsedBytes   device bytes they take now (evicted ones that running batches still use included)
 * @param cpuBudgetBytes    bytes of decoded adapters the CPU tier may keep
 * @param cpuUsedBytes      bytes it keeps now
 */
public record WorkingSet(List<Adapter> adapters, long deviceBudgetBytes, long deviceUsedBytes, long cpuBudgetBytes,
                         long cpuUsedBytes) {

    /** Where a held adapter is. */
    public enum Tier { DEVICE, CPU }

    /**
     * One held adapter.
     *
     * @param adapterId  the engine id ({@code POLICY@REVISION} for serving adapters)
     * @param bytes      size of its weights in this tier
     * @param rank       LoRA rank
     * @param tier       the highest tier holding it
     * @param inUse      a running batch uses it (it cannot be evicted now)
     * @param lastUsedMs when a batch last asked for it (epoch ms); when it entered the tier if never used since
     */
    public record Adapter(String adapterId, long bytes, int rank, Tier tier, boolean inUse, long lastUsedMs) {
    }

    public WorkingSet {
        adapters = List.copyOf(adapters);
    }
}
