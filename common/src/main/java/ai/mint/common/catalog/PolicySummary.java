package ai.mint.common.catalog;

import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line of the catalog's policy list, as the query API sends it and the lookup client reads it.
 *
 * @param policyId        the policy
 * @param baseModel       its base model
 * @param status          ACTIVE or STOPPED
 * @param servingRevision revision serving now, or null
 * @param latestRevision  newest revision, or null
 * @param revisionCount   how many revisions it has had
 * @param labels          its labels (tenant, owner, ...)
 * @param updatedAt       when the entry last changed (ISO-8601)
 * @param version         the entry's version (grows with every change)
 */
public record PolicySummary(
        @JsonProperty("policy_id") String policyId,
        @JsonProperty("base_model") String baseModel,
        @JsonProperty("status") String status,
        @JsonProperty("serving_revision") String servingRevision,
        @JsonProperty("latest_revision") String latestRevision,
        @JsonProperty("revision_count") int revisionCount,
        @JsonProperty("labels") Map<String, String> labels,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("version") long version) {

    /** The order the stores keep keys in: unsigned UTF-8 bytes, which differs from String order beyond ASCII. */
    public static final Comparator<String> ID_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** Summaries in store order. */
    public static final Comparator<PolicySummary> STORE_ORDER = Comparator.comparing(PolicySummary::policyId, ID_ORDER);

    public PolicySummary {
        labels = labels == null ? Map.of() : new TreeMap<>(labels);
    }

    public static PolicySummary of(CatalogEntry entry) {
        List<RevisionInfo> revisions = entry.getRevisions();
        return new PolicySummary(entry.getPolicyId(), entry.getSpec().getBaseModel(),
                entry.getSpec().getStatus().name(), entry.getServingRevision(),
                revisions.isEmpty() ? null : revisions.get(revisions.size() - 1).getRevision(),
                Math.max(entry.getRevisionCount(), revisions.size()), entry.getSpec().getLabels(),
                entry.getUpdatedAt().toString(), entry.getVersion());
    }
}
