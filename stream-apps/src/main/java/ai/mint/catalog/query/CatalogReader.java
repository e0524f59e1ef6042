package ai.mint.catalog.query;

import ai.mint.common.catalog.PolicyFilter;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMoved;
import java.util.List;

/**
 * Read access to the catalog as one instance sees it: who owns a policy, its entry, revisions and moves, and the
 * policies this instance holds. The HTTP layer forwards and merges on top of it.
 */
public interface CatalogReader {

    /** The entry of a policy, or who owns it, or why no answer is possible now. */
    Lookup<CatalogEntry> entry(String policyId);

    /** One revision of a policy. */
    Lookup<CatalogRevision> revision(String policyId, String revision);

    /** Up to {@code limit} revisions of a policy whose ids come after {@code after} (null: from the first), in id order. */
    Lookup<List<CatalogRevision>> revisions(String policyId, String after, int limit);

    /** Up to {@code limit} pointer moves of a policy with a sequence above {@code afterSequence}, oldest first. */
    Lookup<List<PointerMoved>> history(String policyId, int afterSequence, int limit);

    /**
     * This instance's policies matching {@code filter} with ids after {@code after} (null: from the first), in id
     * order: at most {@code limit}, looking at no more than {@code scanBudget} entries.
     */
    Local<PolicyPage> localPolicies(PolicyFilter filter, String after, int limit, int scanBudget);

    /** How many of this instance's policies match {@code filter}. */
    Local<Long> localCount(PolicyFilter filter);

    /** Base URLs (http://host:port) of the other instances of the app. */
    List<String> otherInstances();
}
