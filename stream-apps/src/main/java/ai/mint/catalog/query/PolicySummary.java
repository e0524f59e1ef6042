package ai.mint.catalog.query;

import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One line of the paged policy list.
 *
 * @param policyId        the policy
 * @param baseModel       its base model
 * @param status          ACTIVE or STOPPED
 * @param servingRevision revision serving now, or null
 * @param latestRevision  newest revision, or null
 * @param revisions       how many revisions it has
 * @param updatedAt       when the entry last changed (ISO-8601)
 */
public record PolicySummary(
        @JsonProperty("policy_id") String policyId,
        @JsonProperty("base_model") String baseModel,
        @JsonProperty("status") String status,
        @JsonProperty("serving_revision") String servingRevision,
        @JsonProperty("latest_revision") String latestRevision,
        @JsonProperty("revisions") int revisions,
        @JsonProperty("updated_at") String updatedAt) {

    /** The order the stores keep keys in: unsigned UTF-8 bytes, which differs from String order beyond ASCII. */
    public static final Comparator<PolicySummary> STORE_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.policyId.getBytes(StandardCharsets.UTF_8), b.policyId.getBytes(StandardCharsets.UTF_8));

    public static PolicySummary of(CatalogEntry entry) {
        List<RevisionInfo> revisions = entry.getRevisions();
        return new PolicySummary(entry.getPolicyId(), entry.getSpec().getBaseModel(),
                entry.getSpec().getStatus().name(), entry.getServingRevision(),
                revisions.isEmpty() ? null : revisions.get(revisions.size() - 1).getRevision(),
                revisions.size(), entry.getUpdatedAt().toString());
    }
}
