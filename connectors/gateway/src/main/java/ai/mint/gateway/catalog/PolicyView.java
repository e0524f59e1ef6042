package ai.mint.gateway.catalog;

import java.util.Map;

/**
 * What the gateway needs of a catalog entry: whose the policy is and what serves it.
 *
 * @param policyId        the policy
 * @param servingRevision the revision serving now, or null
 * @param labels          the spec's labels ({@code tenant} among them)
 * @param status          ACTIVE or STOPPED
 * @param updatedAt       when the entry last changed, epoch seconds
 */
public record PolicyView(String policyId, String servingRevision, Map<String, String> labels, String status,
                         long updatedAt) {

    public PolicyView {
        labels = Map.copyOf(labels);
    }
}
