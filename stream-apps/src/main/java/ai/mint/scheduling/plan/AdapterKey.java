package ai.mint.scheduling.plan;

import java.util.Objects;

/**
 * The adapter revision a request is answered with, as the engine names it ({@code POLICY@REVISION}). A request whose
 * policy the scheduler does not know yet, or that has no serving revision, has no revision: its pack goes to a worker
 * that resolves each request itself (and answers why not, if it cannot).
 *
 * @param policyId the policy
 * @param revision the revision, or null when not resolved
 */
public record AdapterKey(String policyId, String revision) {

    public AdapterKey {
        Objects.requireNonNull(policyId, "policyId");
    }

    public static AdapterKey of(String policyId, String revision) {
        return new AdapterKey(policyId, revision == null || revision.isBlank() ? null : revision);
    }

    /** The engine's id of the adapter ({@code POLICY@REVISION}); {@code POLICY@?} when not resolved. */
    public String id() {
        return policyId + "@" + (revision == null ? "?" : revision);
    }

    public boolean resolved() {
        return revision != null;
    }

    @Override
    public String toString() {
        return id();
    }
}
