package ai.mint.scheduling.plan;

import java.util.Map;

/**
 * A worker as its last heartbeat describes it, reduced to what placement needs.
 *
 * @param workerId          the worker id
 * @param instance          the run of the worker that sent the heartbeat
 * @param heartbeatAtMs     when the heartbeat was sent (epoch ms)
 * @param leaving           the worker said it is stopping
 * @param queueCapacity     most inference requests it takes at once (0: it takes no packs)
 * @param deviceBudgetBytes its device adapter budget
 * @param resident          the adapters it holds, by adapter id ({@link AdapterKey#id()})
 * @param baseModel         the base model it keeps resident
 */
public record WorkerView(String workerId, String instance, long heartbeatAtMs, boolean leaving, int queueCapacity,
                         long deviceBudgetBytes, Map<String, Residency> resident, String baseModel) {

    /** Where a worker holds an adapter. */
    public enum Tier { DEVICE, CPU }

    /** One adapter a worker holds. */
    public record Residency(Tier tier, long bytes) {
    }

    public WorkerView {
        resident = Map.copyOf(resident);
    }

    /** Whether the worker takes work now: it has sent a heartbeat within {@code timeoutMs} and is not leaving. */
    public boolean live(long nowMs, long timeoutMs) {
        return !leaving && queueCapacity > 0 && nowMs - heartbeatAtMs <= timeoutMs;
    }
}
