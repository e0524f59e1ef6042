package ai.mint.gateway.openai;

/**
 * What the {@code model} field names: a policy, optionally pinned to one of its revisions ({@code POLICY@REVISION}).
 * Without a revision the policy's serving revision answers.
 *
 * @param policyId the policy
 * @param revision the pinned revision, or null
 */
public record ModelRef(String policyId, String revision) {

    /** Parses {@code POLICY} or {@code POLICY@REVISION}; anything else is a 400 naming the model field. */
    public static ModelRef parse(String model) {
        if (model == null || model.isBlank()) {
            throw ApiError.invalid("model", "model must name a policy: POLICY or POLICY@REVISION");
        }
        int at = model.indexOf('@');
        if (at < 0) {
            return new ModelRef(model, null);
        }
        String policy = model.substring(0, at);
        String revision = model.substring(at + 1);
        if (policy.isEmpty() || revision.isEmpty() || revision.indexOf('@') >= 0) {
            throw ApiError.invalid("model", "model '" + model + "' is not POLICY or POLICY@REVISION");
        }
        return new ModelRef(policy, revision);
    }

    /** The model name a response reports: the policy and the revision that answered. */
    public static String answeredBy(String policyId, String revision) {
        return revision == null || revision.isEmpty() ? policyId : policyId + "@" + revision;
    }
}
