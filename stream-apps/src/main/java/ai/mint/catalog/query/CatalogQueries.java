package ai.mint.catalog.query;

import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The query API's answers, independent of HTTP plumbing: one policy, one revision, a policy's pointer history, and
 * the paged list merged from every instance. Lookups of keys owned elsewhere are forwarded through {@link Forwarder}.
 */
public final class CatalogQueries {

    /** Largest page size. */
    public static final int MAX_LIMIT = 1000;
    /** Default page size. */
    public static final int DEFAULT_LIMIT = 50;
    /** Deepest offset; a list deeper than this should page by filtering, not by skipping. */
    public static final int MAX_OFFSET = 1_000_000;

    private final CatalogReader reader;
    private final Forwarder forwarder;
    private final ObjectMapper json;

    public CatalogQueries(CatalogReader reader, Forwarder forwarder, ObjectMapper json) {
        this.reader = reader;
        this.forwarder = forwarder;
        this.json = json;
    }

    /** GET /policies/{id}, /policies/{id}/history, /policies/{id}/revisions/{rev}: {@code view} picks the part. */
    public ApiResponse policy(String policyId, String pathAndQuery, boolean forwarded, View view) {
        Lookup lookup = reader.lookup(policyId);
        if (lookup instanceof Lookup.Elsewhere elsewhere) {
            if (forwarded) {
                return ApiResponse.notReady("policy " + policyId + " is moving between instances; retry");
            }
            return forwarder.get(elsewhere.baseUrl(), pathAndQuery);
        }
        if (lookup instanceof Lookup.NotReady notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        if (lookup instanceof Lookup.Missing) {
            return ApiResponse.notFound("unknown policy " + policyId);
        }
        return view.render(((Lookup.Found) lookup).entry());
    }

    /** GET /policies?offset=&limit=: policies in id order across all instances. */
    public ApiResponse list(int offset, int limit) {
        int wanted = offset + limit + 1; // one more than the page tells whether another page follows
        LocalPage local = reader.firstLocalPolicies(wanted);
        if (local instanceof LocalPage.NotReady notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        Map<String, PolicySummary> byId = new LinkedHashMap<>();
        ((LocalPage.Page) local).items().forEach(s -> byId.put(s.policyId(), s));
        for (String instance : reader.otherInstances()) {
            Optional<List<PolicySummary>> remote = forwarder.localPage(instance, wanted);
            if (remote.isEmpty()) {
                return ApiResponse.notReady("instance " + instance + " did not list its policies");
            }
            remote.get().forEach(s -> byId.putIfAbsent(s.policyId(), s));
        }
        List<PolicySummary> merged = new ArrayList<>(byId.values());
        merged.sort(PolicySummary.STORE_ORDER);
        List<PolicySummary> page = merged.subList(Math.min(offset, merged.size()), Math.min(offset + limit, merged.size()));
        ObjectNode body = json.createObjectNode();
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("has_more", merged.size() > offset + limit);
        body.set("items", json.valueToTree(page));
        return ApiResponse.ok(body);
    }

    /** GET /internal/policies?limit=: this instance's own first policies, for {@link #list} on another instance. */
    public ApiResponse localPage(int limit) {
        LocalPage local = reader.firstLocalPolicies(limit);
        if (local instanceof LocalPage.NotReady notReady) {
            return ApiResponse.notReady("catalog store not ready: " + notReady.reason());
        }
        ObjectNode body = json.createObjectNode();
        body.set("items", json.valueToTree(((LocalPage.Page) local).items()));
        return ApiResponse.ok(body);
    }

    /** Which part of a policy's entry a request asks for. */
    public interface View {
        ApiResponse render(CatalogEntry entry);

        static View entry() {
            return entry -> ApiResponse.ok(AvroJson.toJson(entry));
        }

        static View history() {
            return entry -> {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("policy_id", entry.getPolicyId());
                body.put("serving_revision", entry.getServingRevision());
                ArrayNode moves = body.putArray("history");
                entry.getHistory().forEach(move -> moves.add(AvroJson.toJson(move)));
                return ApiResponse.ok(body);
            };
        }

        static View revision(String revision) {
            return entry -> {
                for (RevisionInfo info : entry.getRevisions()) {
                    if (info.getRevision().equals(revision)) {
                        ObjectNode body = AvroJson.toJson(info);
                        body.put("policy_id", entry.getPolicyId());
                        body.put("serving", revision.equals(entry.getServingRevision()));
                        return ApiResponse.ok(body);
                    }
                }
                return ApiResponse.notFound("policy " + entry.getPolicyId() + " has no revision " + revision);
            };
        }
    }
}
