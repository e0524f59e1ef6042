package ai.mint.gateway.http;

import ai.mint.common.ids.EventIds;
import ai.mint.events.Feedback;
import ai.mint.gateway.auth.ApiKeys;
import ai.mint.gateway.auth.Tenant;
import ai.mint.gateway.catalog.CatalogClient;
import ai.mint.gateway.catalog.PolicyView;
import ai.mint.gateway.kafka.InferenceBridge;
import ai.mint.gateway.openai.ApiError;
import ai.mint.gateway.openai.FeedbackRequests;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * {@code POST /v1/feedback}: feedback on a completion this gateway returned. Authenticates, validates the body
 * ({@link FeedbackRequests}), checks that the tenant may use the model, and publishes a {@code Feedback} record keyed
 * by policy id on {@code mint.feedback}, where the feedback join turns it into training data; answers 202 once the
 * broker has it. Whether the completion exists is known only to the join (it holds the responses): feedback on an
 * unknown one is accepted here and dead-lettered there with the reason.
 */
final class FeedbackEndpoint {

    /** The {@code source} of the feedback records this gateway publishes. */
    static final String SOURCE = "gateway";

    private final ApiKeys keys;
    private final CatalogClient catalog;
    private final InferenceBridge bridge;
    private final Executor writers;
    private final ObjectMapper json;

    FeedbackEndpoint(ApiKeys keys, CatalogClient catalog, InferenceBridge bridge, Executor writers,
                     ObjectMapper json) {
        this.keys = keys;
        this.catalog = catalog;
        this.bridge = bridge;
        this.writers = writers;
        this.json = json;
    }

    void handle(Context ctx) {
        try {
            Tenant tenant = keys.authenticate(ctx.header("Authorization"), Instant.now());
            JsonNode body = GatewayServer.readJson(ctx, json);
            FeedbackRequests.Feedback feedback = FeedbackRequests.parse(body);
            String modelName = body.get("model").textValue();
            Optional<PolicyView> policy = catalog.policy(feedback.model().policyId());
            if (policy.isEmpty() || !tenant.owns(policy.get())) {
                throw ApiError.modelNotFound(modelName, null);
            }
            Feedback record = Feedback.newBuilder()
                    .setEventId(EventIds.fresh())
                    .setPolicyId(feedback.model().policyId())
                    .setTime(Instant.now())
                    .setRequestId(feedback.requestId())
                    .setTenant(tenant.id())
                    .setScore(feedback.score())
                    .setPreferredCompletion(feedback.preferredCompletion())
                    .setSource(SOURCE)
                    .build();
            ctx.future(() -> bridge.publish(Topics.FEEDBACK.name(), record.getPolicyId(), record)
                    .handleAsync((sent, error) -> {
                        if (error != null) {
                            GatewayServer.writeError(ctx, CompletionService.unwrap(error), json);
                        } else {
                            GatewayServer.writeJson(ctx, 202, json.createObjectNode()
                                    .put("id", feedback.completionId()).put("status", "accepted"), json);
                        }
                        return null;
                    }, writers)); // not on the producer's I/O thread
        } catch (ApiError e) {
            GatewayServer.writeError(ctx, e, json);
        }
    }
}
