package ai.mint.catalog.query;

import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMoved;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.avro.generic.IndexedRecord;

/**
 * The query API's answers, independent of HTTP plumbing: one policy, one revision, pages of a policy's revisions and
 * pointer moves, and the cursor-paged, filtered list and count merged from every instance. Lookups of keys owned
 * elsewhere are forwarded through {@link Forwarder}.
 */
public final class CatalogQueries {

    /**
     * Entries one instance looks at for one page. A selective filter then answers a short page with a cursor to go on
     * from, instead of scanning 10^6 entries in one request.
     */
    public static final int SCAN_BUDGET = 20_000;

    private final CatalogReader reader;
    private final Forwarder forwarder;
    private final ObjectMapper json;

    public CatalogQueries(CatalogReader reader, Forwarder forwarder, ObjectMapper json) {
        this.reader = reader;
        this.forwarder = forwarder;
        this.json = json;
    }

    /** GET /policies/{id}. */
    public ApiResponse entry(String policyId, String pathAndQuery, boolean forwarded) {
        return answer(reader.entry(policyId), policyId, pathAndQuery, forwarded, AvroJson::toJson);
    }

    /** GET /policies/{id}/revisions/{rev}: the revision's record, as on mint.catalog.revisions. */
    public ApiResponse revision(String policyId, String revision, String pathAndQuery, boolean forwarded) {
        return answer(reader.revision(policyId, revision), policyId, pathAndQuery, forwarded, AvroJson::toJson);
    }

    /** GET /policies/{id}/revisions?after=&limit=: the policy's revisions in revision-id order. */
    public ApiResponse revisions(String policyId, String after, int limit, String pathAndQuery, boolean forwarded) {
        Lookup<List<CatalogRevision>> page = reader.revisions(policyId, after, limit + 1);
        return answer(page, policyId, pathAndQuery, forwarded,
                items -> pageBody(policyId, items, limit, r -> r.getRevision().getRevision()));
    }

    /** GET /policies/{id}/history?after=&limit=: the policy's pointer moves, oldest first. */
    public ApiResponse history(String policyId, int after, int limit, String pathAndQuery, boolean forwarded) {
        Lookup<List<PointerMoved>> page = reader.history(policyId, after, limit + 1);
        return answer(page, policyId, pathAndQuery, forwarded,
                items -> pageBody(policyId, items, limit, m -> Integer.toString(m.getSequence())));
    }

    /**
     * GET /policies?after=&limit=&filters: policies in id order across all instances. Each instance answers its own
     * first matches after the cursor and how far it looked; the page holds the first {@code limit} of them up to where
     * every instance has looked, so paging returns every policy exactly once while instances own different partitions.
     */
    public ApiResponse list(PolicyFilter filter, String after, int limit) {
        List<PolicyPage> pages = new ArrayList<>();
        Local<PolicyPage> local = reader.localPolicies(filter, after, limit, SCAN_BUDGET);
        if (local instanceof Local.NotReady<PolicyPage> notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        pages.add(((Local.Ready<PolicyPage>) local).value());
        for (String instance : reader.otherInstances()) {
            Optional<PolicyPage> remote = forwarder.localPage(instance, filter, after, limit);
            if (remote.isEmpty()) {
                return ApiResponse.notReady("instance " + instance + " did not list its policies");
            }
            pages.add(remote.get());
        }
        return ApiResponse.ok(mergedPage(pages, limit));
    }

    /** GET /policies:count?filters: how many policies match, across all instances. */
    public ApiResponse count(PolicyFilter filter) {
        Local<Long> local = reader.localCount(filter);
        if (local instanceof Local.NotReady<Long> notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        long total = ((Local.Ready<Long>) local).value();
        for (String instance : reader.otherInstances()) {
            OptionalLong remote = forwarder.localCount(instance, filter);
            if (remote.isEmpty()) {
                return ApiResponse.notReady("instance " + instance + " did not count its policies");
            }
            total += remote.getAsLong();
        }
        ObjectNode body = json.createObjectNode();
        body.put("count", total);
        return ApiResponse.ok(body);
    }

    /** GET /internal/policies: this instance's own page, for {@link #list} on another instance. */
    public ApiResponse localPage(PolicyFilter filter, String after, int limit) {
        Local<PolicyPage> local = reader.localPolicies(filter, after, limit, SCAN_BUDGET);
        if (local instanceof Local.NotReady<PolicyPage> notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        return ApiResponse.ok(json.valueToTree(((Local.Ready<PolicyPage>) local).value()));
    }

    /** GET /internal/policies:count: this instance's own count, for {@link #count} on another instance. */
    public ApiResponse localCount(PolicyFilter filter) {
        Local<Long> local = reader.localCount(filter);
        if (local instanceof Local.NotReady<Long> notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        ObjectNode body = json.createObjectNode();
        body.put("count", ((Local.Ready<Long>) local).value());
        return ApiResponse.ok(body);
    }

    private ObjectNode mergedPage(List<PolicyPage> pages, int limit) {
        // every instance has looked at all its keys up to the smallest scanned_to of those that stopped early
        String bound = null;
        boolean allComplete = true;
        for (PolicyPage page : pages) {
            if (!page.complete()) {
                allComplete = false;
                if (bound == null || PolicySummary.ID_ORDER.compare(page.scannedTo(), bound) < 0) {
                    bound = page.scannedTo();
                }
            }
        }
        Map<String, PolicySummary> byId = new LinkedHashMap<>();
        for (PolicyPage page : pages) {
            for (PolicySummary s : page.items()) {
                if (bound == null || PolicySummary.ID_ORDER.compare(s.policyId(), bound) <= 0) {
                    byId.putIfAbsent(s.policyId(), s);
                }
            }
        }
        List<PolicySummary> merged = new ArrayList<>(byId.values());
        merged.sort(PolicySummary.STORE_ORDER);
        List<PolicySummary> items = merged.subList(0, Math.min(limit, merged.size()));
        boolean hasMore = !allComplete || merged.size() > limit;
        String next = !hasMore ? null : items.size() == limit ? items.get(items.size() - 1).policyId() : bound;
        ObjectNode body = json.createObjectNode();
        body.put("limit", limit);
        body.set("items", json.valueToTree(items));
        body.put("next_cursor", next);
        body.put("has_more", hasMore);
        return body;
    }

    private <T extends IndexedRecord> ObjectNode pageBody(String policyId, List<T> items, int limit,
                                                         Function<T, String> cursor) {
        boolean hasMore = items.size() > limit;
        List<T> page = hasMore ? items.subList(0, limit) : items;
        ObjectNode body = json.createObjectNode();
        body.put("policy_id", policyId);
        body.put("limit", limit);
        ArrayNode array = body.putArray("items");
        page.forEach(item -> array.add(AvroJson.toJson(item)));
        body.put("next_cursor", hasMore ? cursor.apply(page.get(page.size() - 1)) : null);
        body.put("has_more", hasMore);
        return body;
    }

    /** The answer of a per-policy lookup: forwarded to the owner, 503 while not ready, 404 when missing. */
    private <T> ApiResponse answer(Lookup<T> lookup, String policyId, String pathAndQuery, boolean forwarded,
                                   Function<T, com.fasterxml.jackson.databind.JsonNode> render) {
        if (lookup instanceof Lookup.Elsewhere<T> elsewhere) {
            if (forwarded) {
                return ApiResponse.notReady("policy " + policyId + " is moving between instances; retry");
            }
            return forwarder.get(elsewhere.baseUrl(), pathAndQuery);
        }
        if (lookup instanceof Lookup.NotReady<T> notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        if (lookup instanceof Lookup.Missing<T> missing) {
            return ApiResponse.notFound(missing.what());
        }
        return ApiResponse.ok(render.apply(((Lookup.Found<T>) lookup).value()));
    }
}
