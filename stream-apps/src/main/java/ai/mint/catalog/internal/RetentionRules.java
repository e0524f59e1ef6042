package ai.mint.catalog.internal;

import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import java.time.Instant;

/**
 * The retention decision as pure predicates over one revision: never the serving revision, never one that ever served
 * or passed eval (every possible rollback target); the others go once they fall out of the newest revisions kept or
 * their time to live ends.
 */
public final class RetentionRules {

    private RetentionRules() {
    }

    /** Whether retention must keep this revision whatever its age: it serves, served, or passed eval. */
    public static boolean isProtected(RevisionInfo revision, String servingRevision) {
        return revision.getRevision().equals(servingRevision)
                || revision.getServed()
                || revision.getState() == RevisionState.SERVING
                || revision.getState() == RevisionState.EVAL_PASSED;
    }

    public static boolean isRetired(RevisionInfo revision) {
        return revision.getRetiredAt() != null;
    }

    /** A revision that left the newest {@code keepLast}: retire it unless it is protected or already retired. */
    public static boolean retireOnLeavingWindow(RevisionInfo revision, String servingRevision) {
        return !isRetired(revision) && !isProtected(revision, servingRevision);
    }

    /** A revision whose time to live has ended at {@code now}: retire it unless it is protected or already retired. */
    public static boolean retireOnExpiry(RevisionInfo revision, String servingRevision, Instant now) {
        return !isRetired(revision) && revision.getExpiresAt() != null
                && revision.getExpiresAt() <= now.toEpochMilli() && !isProtected(revision, servingRevision);
    }

    /**
     * A rollback target: it served before, or it passed eval and so was fit to serve; never one that failed eval or
     * that retention retired.
     */
    public static boolean isRollbackTarget(RevisionInfo revision) {
        return !isRetired(revision) && revision.getState() != RevisionState.EVAL_FAILED
                && (revision.getState() == RevisionState.EVAL_PASSED || revision.getServed());
    }
}
