package ai.mint.gateway.http;

import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.gateway.auth.Tenant;
import ai.mint.gateway.catalog.CatalogClient;
import ai.mint.gateway.catalog.PolicyView;
import ai.mint.gateway.kafka.Bridges;
import ai.mint.gateway.kafka.InferenceBridge;
import ai.mint.gateway.openai.ApiError;
import ai.mint.gateway.openai.Choice;
import ai.mint.gateway.openai.CompletionIds;
import ai.mint.gateway.openai.CompletionJob;
import ai.mint.gateway.openai.ModelRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What both completion endpoints do between HTTP and Kafka: check that the model is a policy the tenant may use and
 * that something can serve it (nothing is sent otherwise), send one inference request per choice, and turn each reply
 * into a {@link Choice} or the error the client gets.
 */
final class CompletionService {

    private final CatalogClient catalog;
    private final Bridges bridges;
    private final String instanceId;

    CompletionService(CatalogClient catalog, Bridges bridges, String instanceId) {
        this.catalog = catalog;
        this.bridges = bridges;
        this.instanceId = instanceId;
    }

    /**
     * The policy {@code model} names, if the tenant may use it and it can be served.
     *
     * @throws ApiError 404 unknown (or another tenant's) policy or revision, 503 nothing serves it, 503 catalog down
     */
    PolicyView resolve(Tenant tenant, ModelRef model, String modelName) {
        Optional<PolicyView> policy = catalog.policy(model.policyId());
        if (policy.isEmpty() || !tenant.owns(policy.get())) {
            throw ApiError.modelNotFound(modelName, null);
        }
        if (model.revision() != null) {
            Optional<Boolean> exported = catalog.revisionExported(model.policyId(), model.revision());
            if (exported.isEmpty()) {
                throw ApiError.modelNotFound(modelName, "policy '" + model.policyId() + "' has no revision '"
                        + model.revision() + "'");
            }
            if (!exported.get()) {
                throw ApiError.unavailable("revision_not_exported", "Revision '" + model.revision() + "' of policy '"
                        + model.policyId() + "' is not exported yet, so no worker can serve it");
            }
        } else if (policy.get().servingRevision() == null) {
            throw ApiError.unavailable("no_serving_revision", "Policy '" + model.policyId() + "' has no serving "
                    + "revision yet; pin one (" + model.policyId() + "@REVISION) or wait for one to pass eval");
        }
        return policy.get();
    }

    /** A fresh base of request ids ({@link CompletionIds}): this instance's id and a UUID. */
    String newRequestBase() {
        return instanceId + "-" + UUID.randomUUID();
    }

    /**
     * Sends one request per choice; choice {@code p x n + i} answers prompt p with seed + i and has the request id
     * {@code CompletionIds.request(base, p x n + i)}.
     *
     * @param chunks when not null, the workers stream each choice and its chunks come here (position = choice index)
     */
    List<CompletableFuture<InferenceResponse>> submit(Tenant tenant, CompletionJob job, String base,
                                                      InferenceBridge.ChunkListener chunks) {
        List<InferenceRequest> requests = new ArrayList<>(job.choices());
        CompletionJob.Sampling s = job.sampling();
        for (int p = 0; p < job.prompts().size(); p++) {
            for (int i = 0; i < job.n(); i++) {
                int index = p * job.n() + i;
                requests.add(InferenceRequest.newBuilder()
                        .setEventId(CompletionIds.request(base, index)).setPolicyId(job.model().policyId())
                        .setTime(Instant.now()).setRequestId(CompletionIds.request(base, index)).setRevision(job.model().revision()).setTenant(tenant.id())
                        .setPrompt(job.prompts().get(p))
                        .setSampling(SamplingParams.newBuilder().setMaxTokens(s.maxTokens())
                                .setTemperature(s.temperature()).setTopP(s.topP())
                                .setSeed(s.seed() == null ? null : s.seed() + i).setStop(s.stop()).build())
                        .build());
            }
        }
        return bridges.of(tenant).submit(requests, chunks);
    }

    /** The choice a reply makes, or the error it carries mapped to what the client gets. */
    static Choice choice(int index, InferenceResponse reply, CompletionJob job, String modelName) {
        if (reply.getError() != null) {
            throw fromWorker(reply, modelName);
        }
        return Choice.of(index, reply, job.sampling().stop());
    }

    /** The reply of one future, or the {@link ApiError} it failed with. */
    static InferenceResponse await(CompletableFuture<InferenceResponse> reply) {
        try {
            return reply.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    /** The client-facing error behind a failed stage. */
    static ApiError unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof ApiError api ? api : ApiError.internal(cause.toString());
    }

    private static ApiError fromWorker(InferenceResponse reply, String modelName) {
        String code = reply.getErrorCode() == null ? "internal" : reply.getErrorCode();
        return switch (code) {
            case "bad_request" -> reply.getError().contains("positions")
                    ? new ApiError(400, "invalid_request_error", "prompt", "context_length_exceeded", reply.getError())
                    : ApiError.invalid(null, reply.getError());
            case "not_found" -> ApiError.modelNotFound(modelName, reply.getError());
            case "unavailable" -> ApiError.unavailable("unavailable", reply.getError());
            default -> ApiError.internal("The worker failed: " + reply.getError());
        };
    }

    /** The model name a response shows for a choice: the policy and the revision that answered. */
    static String answered(CompletionJob job, Choice choice) {
        return ModelRef.answeredBy(job.model().policyId(), choice.revision());
    }
}
