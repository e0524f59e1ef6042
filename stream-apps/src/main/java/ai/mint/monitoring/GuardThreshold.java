package ai.mint.monitoring;

import ai.mint.events.CatalogEntry;
import ai.mint.events.RegressionGuard;
import ai.mint.events.RevisionInfo;
import java.util.Optional;

/**
 * A policy's own live-reward threshold from its spec's regression guard, the same baseline the orchestrator's guard
 * rolls back on: the serving revision's eval score of the guard's metric minus the guard's {@code max_drop}. Only a
 * guard that watches the live reward metric (the name the workers publish it under) gives one; the guard's
 * {@code window} (a number of measurements) is not used, since the monitor compares whole time windows.
 */
public final class GuardThreshold {

    private GuardThreshold() {
    }

    public static Optional<Double> of(CatalogEntry entry, String rewardMetric) {
        RegressionGuard guard = entry.getSpec() == null ? null : entry.getSpec().getRegressionGuard();
        String serving = entry.getServingRevision();
        if (guard == null || serving == null || !rewardMetric.equals(guard.getMetric())) {
            return Optional.empty();
        }
        return entry.getRevisions().stream().filter(r -> r.getRevision().equals(serving)).findFirst()
                .map(RevisionInfo::getEvalScores).map(scores -> scores.get(guard.getMetric()))
                .map(score -> score - guard.getMaxDrop());
    }
}
