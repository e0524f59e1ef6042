package ai.mint.scheduling.plan;

import java.util.Objects;

/**
 * The adapter revision a request is answered with, as the engine names it ({@code POLICY@REVISION}). A request whose
 * policy the scheduler does not know yet, or that has no serving revision, has no revision: its pack goes to a worker
 * that resolves each request itself (and answers why not, if it cannot).
 *
 * @param policyId  the policy
 * @param revision  the revision, or null when not resolved
 * @param baseModel the base model the policy's adapters run on (only workers keeping it resident can serve them), or
 *                  null when not known (any worker: it refuses a policy of another base itself)
 */
public record AdapterKey(String policyId, String revision, String baseModel) {

    public AdapterKey {
        Objects.requireNonNull(policyId, "policyId");
    }

    /** An adapter of a policy whose base is not known. */
    public static AdapterKey of(String policyId, String revision) {
        return of(policyId, revision, null);
    }

    public static AdapterKey of(String policyId, String revision, String baseModel) {
        return new AdapterKey(policyId, revision == null || revision.isBlank() ? null : revision,
                baseModel == null || baseModel.isBlank() ? null : baseModel);
    }

    /** Whether a worker keeping {@code workerBase} resident can serve this adapter. */
    public boolean runsOn(String workerBase) {
        return baseModel == null || baseModel.equals(workerBase);
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
