package ai.mint.gateway.catalog;

import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.catalog.lookup.CatalogLookupException;
import ai.mint.common.catalog.lookup.Page;
import ai.mint.events.CatalogEntry;
import ai.mint.gateway.openai.ApiError;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the gateway asks the catalog, through the platform's one lookup library ({@link CatalogLookup}: lookups by key
 * over the catalog's query API with a bounded cache), translated into the gateway's views. Policy lookups are cached
 * for a short time, so a burst of requests to one policy costs one query. A catalog that is down or not ready is a 503
 * for the request.
 */
public final class CatalogClient implements AutoCloseable {

    /** Most policies (and revisions) remembered. */
    static final int CACHE_ENTRIES = 10_000;

    private final String baseUrl;
    private final CatalogLookup lookup;

    /**
     * One entry of a page of the policy list.
     *
     * @param policyId        the policy
     * @param servingRevision its serving revision, or null
     * @param updatedAt       when its entry last changed, epoch seconds
     */
    public record Summary(String policyId, String servingRevision, long updatedAt) {
    }

    /**
     * A page of the policy list, in policy-id order.
     *
     * @param items      the page
     * @param nextCursor the id to ask the next page after
     * @param hasMore    whether another page follows
     */
    public record Listing(java.util.List<Summary> items, String nextCursor, boolean hasMore) {
    }

    /** @param userInfo {@code USER:PASSWORD} the catalog's query API asks for, or null */
    public CatalogClient(String baseUrl, Duration timeout, Duration cacheFor, String userInfo) {
        this.baseUrl = baseUrl;
        this.lookup = CatalogLookup.builder(baseUrl).timeout(timeout).maxAge(cacheFor).cacheCapacity(CACHE_ENTRIES)
                .credentials(userInfo).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The policy, or empty when the catalog does not know it. */
    public Optional<PolicyView> policy(String policyId) {
        return ask(() -> lookup.entry(policyId).map(CatalogClient::view));
    }

    /** Whether the policy has the revision, and whether it is exported (servable); empty when it has none. */
    public Optional<Boolean> revisionExported(String policyId, String revision) {
        return ask(() -> lookup.revision(policyId, revision).map(r -> r.getAdapterUri() != null));
    }

    /**
     * A page of the policies whose spec carries all of {@code labels} (none: every policy), with ids after
     * {@code after} (null: the first page); the catalog filters, so a page costs one query whatever the catalog's size.
     */
    public Listing page(Map<String, String> labels, String after, int limit) {
        Page<PolicySummary> page = ask(() -> lookup.policies(new PolicyFilter(labels, null, null), after, limit));
        return new Listing(page.items().stream().map(s -> new Summary(s.policyId(), s.servingRevision(),
                epochSeconds(s.updatedAt()))).toList(), page.nextCursor(), page.hasMore());
    }

    @Override
    public void close() {
        lookup.close();
    }

    private <T> T ask(Supplier<T> call) {
        try {
            return call.get();
        } catch (CatalogLookupException e) {
            throw ApiError.unavailable("catalog_unavailable", "the catalog at " + baseUrl + " cannot answer: "
                    + e.getMessage());
        }
    }

    private static PolicyView view(CatalogEntry entry) {
        return new PolicyView(entry.getPolicyId(), entry.getServingRevision(), entry.getSpec().getLabels(),
                entry.getSpec().getStatus().name(), entry.getUpdatedAt().getEpochSecond());
    }

    private static long epochSeconds(String iso) {
        if (iso == null) {
            return 0;
        }
        try {
            return Instant.parse(iso).getEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
