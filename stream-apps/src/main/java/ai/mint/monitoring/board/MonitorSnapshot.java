package ai.mint.monitoring.board;

import java.util.List;

/** What one frame of {@code mint top} shows: the busiest policies, every worker, the newest alerts. */
public record MonitorSnapshot(List<PolicyRow> policies, List<WorkerRow> workers, List<AlertRow> alerts) {
}
