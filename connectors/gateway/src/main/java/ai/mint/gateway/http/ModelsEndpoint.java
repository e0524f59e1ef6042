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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/models} (paged: {@code ?limit=N&after=ID}, in policy-id order) and {@code GET /v1/models/{model}}:
 * the policies the tenant may use, each with its serving revision. The catalog filters its list by the tenant's
 * label and pages by cursor, so a page costs one catalog query whatever the catalog's size.
 */
final class ModelsEndpoint {

    /** Models per page unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    /** Largest {@code limit}. */
    static final int MAX_LIMIT = 1000;
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
            // the catalog filters by the tenant's label, so one catalog page answers one models page
            CatalogClient.Listing page = catalog.page(tenant.id() == null ? Map.of() : Map.of(Tenant.LABEL,
                    tenant.id()), after, limit);
            List<ObjectNode> models = new ArrayList<>();
            for (CatalogClient.Summary s : page.items()) {
                if (tenant.onBroker() && !tenant.broker().ownsPolicy(s.policyId())) {
                    continue; // labelled for it but outside its prefix: the scheduler would not serve it
                }
                models.add(OpenAiJson.model(s.policyId(), s.updatedAt(), tenant.ownerName(), s.servingRevision()));
            }
            boolean more = page.hasMore();
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
            if (policy.isEmpty() || !tenant.owns(policy.get())) {
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
}
