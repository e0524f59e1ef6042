package ai.mint.catalog.query;

import java.util.List;

/**
 * Read access to the catalog as one instance sees it: which instance owns a policy, its entry, and the policies this
 * instance holds. The HTTP layer forwards and merges on top of it.
 */
public interface CatalogReader {

    /** The entry of a policy, or who owns it, or why no answer is possible now. */
    Lookup lookup(String policyId);

    /** The first {@code limit} policies, in key order, among those this instance holds as active. */
    LocalPage firstLocalPolicies(int limit);

    /** Base URLs (http://host:port) of the other instances of the app. */
    List<String> otherInstances();
}
