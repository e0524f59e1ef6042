package ai.mint.scheduling.internal;

import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceRequest;
import ai.mint.events.RevisionInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the scheduler keeps of a policy's catalog entry: its serving revision and, for each exported revision, where
 * its adapter is stored and how big it is. One per policy, in a store co-partitioned with the requests.
 *
 * @param servingRevision the revision unpinned requests are answered with; null when none serves yet
 * @param revisions       exported revisions by name
 * @param baseModel       the base model the policy's adapters run on
 * @param version         the catalog entry version this route was made from (0 in routes stored before versions)
 */
public record Route(String servingRevision, Map<String, Adapter> revisions, String baseModel, long version) {

    /** One exported revision's adapter. */
    public record Adapter(String uri, String sha256, long bytes, int rank) {
    }

    public Route {
        revisions = revisions == null ? Map.of() : Map.copyOf(revisions);
    }

    static Route of(CatalogEntry entry) {
        Map<String, Adapter> exported = new LinkedHashMap<>();
        for (RevisionInfo r : entry.getRevisions()) {
            if (r.getAdapterUri() != null) {
                exported.put(r.getRevision(), new Adapter(r.getAdapterUri(), r.getSha256(),
                        r.getBytes() == null ? 0 : r.getBytes(), r.getRank()));
            }
        }
        return new Route(entry.getServingRevision(), exported, entry.getSpec().getBaseModel(), entry.getVersion());
    }

    /** Whether the request's sender has seen a newer catalog entry than this route was made from. */
    boolean olderThanSeenBy(InferenceRequest q) {
        return q.getMinEntryVersion() != null && version < q.getMinEntryVersion();
    }

    Adapter adapter(String revision) {
        return revision == null ? null : revisions.get(revision);
    }
}
