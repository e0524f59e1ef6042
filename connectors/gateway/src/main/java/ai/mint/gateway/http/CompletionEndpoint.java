package ai.mint.gateway.http;

import ai.mint.events.InferenceResponse;
import ai.mint.gateway.GatewayMetrics;
import ai.mint.gateway.auth.ApiKeys;
import ai.mint.gateway.auth.Tenant;
import ai.mint.gateway.openai.ApiError;
import ai.mint.gateway.openai.Choice;
import ai.mint.gateway.openai.CompletionIds;
import ai.mint.gateway.openai.CompletionJob;
import ai.mint.gateway.openai.CompletionJob.Endpoint;
import ai.mint.gateway.openai.CompletionRequests;
import ai.mint.gateway.openai.OpenAiJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}: authenticates, validates the body, checks the
 * model, sends one inference request per choice and answers, whole or as server-sent events. The HTTP thread only does
 * the checks; answers are written on the writer pool when the replies arrive, so a slow client holds one writer and
 * nothing else. Streams ask the workers to stream too and send each worker chunk's text as it arrives, then each
 * choice's end with its reply ({@link StreamedChoices}); a stream that asks for log-probabilities gets each choice
 * whole, as its reply arrives (chunks carry no token texts).
 */
final class CompletionEndpoint {

    /** The response header naming the revision(s) that answered. */
    static final String REVISION_HEADER = "X-Mint-Revision";

    private final Endpoint kind;
    private final ApiKeys keys;
    private final CompletionService service;
    private final CompletionJob.Limits limits;
    private final GatewayMetrics metrics;
    private final Executor writers;
    private final ObjectMapper json;

    CompletionEndpoint(Endpoint kind, ApiKeys keys, CompletionService service, CompletionJob.Limits limits,
                       GatewayMetrics metrics, Executor writers, ObjectMapper json) {
        this.kind = kind;
        this.keys = keys;
        this.service = service;
        this.limits = limits;
        this.metrics = metrics;
        this.writers = writers;
        this.json = json;
    }

    void handle(Context ctx) {
        long started = System.nanoTime();
        String policyLabel = metrics.label(null);
        try {
            Tenant tenant = keys.authenticate(ctx.header("Authorization"), Instant.now());
            JsonNode body = GatewayServer.readJson(ctx, json);
            CompletionJob job = kind == Endpoint.CHAT ? CompletionRequests.chat(body, limits)
                    : CompletionRequests.completion(body, limits);
            String modelName = body.get("model").textValue();
            service.resolve(tenant, job.model(), modelName);
            policyLabel = metrics.label(job.model().policyId());
            String base = service.newRequestBase();
            if (job.stream()) {
                String label = policyLabel;
                StreamedChoices choices = new StreamedChoices(new SseStream(ctx.res(), json), kind, job, modelName,
                        CompletionIds.completion(job.endpoint(), base), Instant.now().getEpochSecond(), writers,
                        () -> metrics.firstToken(label, System.nanoTime() - started));
                Request request = new Request(job, modelName, base, service.submit(tenant, job, base,
                        job.logprobs() ? null : choices), policyLabel, started);
                ctx.future(() -> stream(ctx, request, choices));
            } else {
                Request request = new Request(job, modelName, base, service.submit(tenant, job, base, null),
                        policyLabel, started);
                ctx.future(() -> whole(ctx, request));
            }
        } catch (ApiError e) {
            GatewayServer.writeError(ctx, e, json);
            metrics.request(policyLabel, kind.label(), e.status(), System.nanoTime() - started);
        }
    }

    /** One accepted request on its way. */
    private record Request(CompletionJob job, String modelName, String base,
                           List<CompletableFuture<InferenceResponse>> replies, String policyLabel, long started) {
        /** The completion's id, from which feedback finds its requests ({@link CompletionIds}). */
        String id() {
            return CompletionIds.completion(job.endpoint(), base);
        }
    }


    private CompletableFuture<Void> whole(Context ctx, Request request) {
        return CompletableFuture.allOf(request.replies().toArray(CompletableFuture[]::new)).handleAsync((v, e) -> {
            int status;
            try {
                List<Choice> choices = new ArrayList<>();
                for (int i = 0; i < request.replies().size(); i++) {
                    choices.add(CompletionService.choice(i, CompletionService.await(request.replies().get(i)),
                            request.job(), request.modelName()));
                }
                OpenAiJson.Usage usage = OpenAiJson.Usage.of(choices, request.job().n());
                String model = CompletionService.answered(request.job(), choices.get(0));
                long created = Instant.now().getEpochSecond();
                ObjectNode body = kind == Endpoint.CHAT
                        ? OpenAiJson.chatCompletion(request.id(), created, model, choices, request.job().logprobs(), usage)
                        : OpenAiJson.completion(request.id(), created, model, choices, request.job().logprobs(), usage);
                ctx.header(REVISION_HEADER, revisions(choices));
                ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(body));
                metrics.tokens(request.policyLabel(), usage.promptTokens(), usage.completionTokens());
                status = 200;
            } catch (ApiError error) {
                GatewayServer.writeError(ctx, error, json);
                status = error.status();
            } catch (Exception error) {
                ApiError internal = CompletionService.unwrap(error);
                GatewayServer.writeError(ctx, internal, json);
                status = internal.status();
            }
            metrics.request(request.policyLabel(), kind.label(), status, System.nanoTime() - request.started());
            return null;
        }, writers);
    }

    private CompletableFuture<Void> stream(Context ctx, Request request, StreamedChoices streamed) {
        SseStream sse = streamed.sse();
        CompletionJob job = request.job();
        List<Choice> choices = new ArrayList<>();
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (int i = 0; i < request.replies().size(); i++) {
            written.add(streamed.end(i, request.replies().get(i)).thenAccept(choice -> {
                synchronized (choices) {
                    choices.add(choice);
                }
            }));
        }
        streamed.begin();
        return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).handleAsync((v, e) -> {
            int status = 200;
            if (e != null) {
                ApiError error = CompletionService.unwrap(e);
                status = error.status();
                if (sse.started()) {
                    sse.event(error.body()); // OpenAI's way: an error event ends a stream that has begun
                } else {
                    GatewayServer.writeError(ctx, error, json);
                }
            } else {
                OpenAiJson.Usage usage;
                synchronized (choices) {
                    usage = OpenAiJson.Usage.of(choices, job.n());
                }
                if (job.includeUsage()) {
                    sse.event(OpenAiJson.usageChunk(kind == Endpoint.CHAT ? "chat.completion.chunk"
                            : "text_completion", streamed.id(), streamed.created(), request.modelName(), usage));
                }
                sse.done();
                metrics.tokens(request.policyLabel(), usage.promptTokens(), usage.completionTokens());
            }
            metrics.request(request.policyLabel(), kind.label(), status, System.nanoTime() - request.started());
            return null;
        }, writers);
    }

    /** The revisions that answered, comma-separated when a pointer moved between the choices. */
    private static String revisions(List<Choice> choices) {
        Set<String> revisions = new LinkedHashSet<>();
        choices.forEach(c -> revisions.add(c.revision()));
        return String.join(",", revisions);
    }
}
