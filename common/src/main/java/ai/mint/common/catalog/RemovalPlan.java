package ai.mint.common.catalog;

import ai.mint.events.RevisionRetired;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which stored files a collector may remove now: those named by retirement notices whose grace period has passed. The
 * catalog sends a notice only for a revision retention retired, never for the serving revision or a rollback target,
 * so this is all a collector needs to decide; it removes nothing else.
 */
public final class RemovalPlan {

    /**
     * A stored artifact to remove.
     *
     * @param policyId the policy
     * @param revision the retired revision
     * @param uri      the artifact's address (an adapter or a training state)
     * @param sha256   the adapter's digest when the artifact is the adapter, else null
     */
    public record Removal(String policyId, String revision, String uri, String sha256) {
    }

    private RemovalPlan() {
    }

    /** The artifacts of every notice that is due at {@code now}, adapters before training states. */
    public static List<Removal> due(Collection<RevisionRetired> notices, Instant now) {
        List<Removal> removals = new ArrayList<>();
        for (RevisionRetired notice : notices) {
            if (notice.getRemoveAfter().isAfter(now)) {
                continue;
            }
            if (notice.getAdapterUri() != null) {
                removals.add(new Removal(notice.getPolicyId(), notice.getRevision(), notice.getAdapterUri(),
                        notice.getSha256()));
            }
            if (notice.getStateUri() != null) {
                removals.add(new Removal(notice.getPolicyId(), notice.getRevision(), notice.getStateUri(), null));
            }
        }
        return removals;
    }

    /** Notices not yet due at {@code now}: what a collector must look at again later. */
    public static long pending(Collection<RevisionRetired> notices, Instant now) {
        return notices.stream().filter(n -> n.getRemoveAfter().isAfter(now)).count();
    }
}
