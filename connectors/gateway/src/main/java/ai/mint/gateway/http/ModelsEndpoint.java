package ai.mint.gateway.http;

import ai.mint.gateway.GatewayMetrics;
import ai.mint.gateway.auth.ApiKeys;
import ai.mint.gateway.auth.Tenant;
import ai.mint.gateway.catalog.CatalogClient;
import ai.mint.gateway.catalog.PolicyView;
import ai.mint.gateway.openai.ApiError;
import ai.mint.gateway.openai.ModelRef;
import ai.mint.gateway.openai.OpenAiJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/models} (paged: {@code ?limit=N&after=ID}, in policy-id order) and {@code GET /v1/models/{model}}:
 * the policies the tenant may use, each with its serving revision. The catalog's list has no label filter yet, so the
 * gateway walks the catalog's pages and keeps the tenant's policies (their labels read through the cached policy
 * lookup); a page of a tenant with few policies among many may therefore read many catalog pages.
 */
final class ModelsEndpoint {

    /** Models per page unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    /** Largest {@code limit}. */
    static final int MAX_LIMIT = 1000;
    /** Catalog policies read per catalog page. */
    private static final int CATALOG_PAGE = 200;
    private static final String ENDPOINT = "models";

    private final ApiKeys keys;
    private final CatalogClient catalog;
    private final GatewayMetrics metrics;
    private final ObjectMapper json;

    ModelsEndpoint(ApiKeys keys, CatalogClient catalog, GatewayMetrics metrics, ObjectMapper json) {
        this.keys = keys;
        this.catalog = catalog;
        this.metrics = metrics;
        this.json = json;
    }

    void list(Context ctx) {
        long started = System.nanoTime();
        int status = 200;
        try {
            Tenant tenant = keys.authenticate(ctx.header("Authorization"), Instant.now());
            int limit = limit(ctx.queryParam("limit"));
            String after = ctx.queryParam("after");
            List<ObjectNode> models = new ArrayList<>();
            boolean more = false;
            int offset = 0;
            scan:
            while (true) {
                CatalogClient.Page page = catalog.page(offset, CATALOG_PAGE);
                for (CatalogClient.Summary s : page.items()) {
                    if (after != null && compare(s.policyId(), after) <= 0) {
                        continue;
                    }
                    if (!tenant.owns(labels(tenant, s.policyId()))) {
                        continue;
                    }
                    if (models.size() == limit) {
                        more = true;
                        break scan;
                    }
                    models.add(OpenAiJson.model(s.policyId(), s.updatedAt(), tenant.ownerName(), s.servingRevision()));
                }
                if (!page.hasMore()) {
                    break;
                }
                offset += page.items().size();
            }
            GatewayServer.writeJson(ctx, 200, OpenAiJson.modelList(models, more), json);
        } catch (ApiError e) {
            status = e.status();
            GatewayServer.writeError(ctx, e, json);
        }
        metrics.request(metrics.label(null), ENDPOINT, status, System.nanoTime() - started);
    }

    void one(Context ctx) {
        long started = System.nanoTime();
        int status = 200;
        String label = metrics.label(null);
        try {
            Tenant tenant = keys.authenticate(ctx.header("Authorization"), Instant.now());
            String name = ctx.pathParam("model");
            ModelRef ref = ModelRef.parse(name);
            Optional<PolicyView> policy = catalog.policy(ref.policyId());
            if (policy.isEmpty() || !tenant.owns(policy.get().labels())) {
                throw ApiError.modelNotFound(name, null);
            }
            label = metrics.label(ref.policyId());
            GatewayServer.writeJson(ctx, 200, OpenAiJson.model(ref.policyId(), policy.get().updatedAt(),
                    tenant.ownerName(), policy.get().servingRevision()), json);
        } catch (ApiError e) {
            status = e.status();
            GatewayServer.writeError(ctx, e, json);
        }
        metrics.request(label, ENDPOINT, status, System.nanoTime() - started);
    }

    /** The labels that decide ownership; the open tenant needs none, so it asks the catalog nothing more. */
    private java.util.Map<String, String> labels(Tenant tenant, String policyId) {
        if (tenant.id() == null) {
            return java.util.Map.of();
        }
        return catalog.policy(policyId).map(PolicyView::labels).orElse(java.util.Map.of());
    }

    private static int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalid("limit", "'limit' must be an integer in 1.." + MAX_LIMIT + ", got '" + raw + "'");
    }

    /** The catalog's order of policy ids: unsigned UTF-8 bytes. */
    private static int compare(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
