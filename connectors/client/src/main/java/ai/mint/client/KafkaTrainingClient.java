package ai.mint.client;

import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.OptimStepResult;
import ai.mint.api.SampleResponse;
import ai.mint.api.SavedCheckpoint;
import ai.mint.api.TrainingClient;
import ai.mint.events.AdamParams;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.SamplingParams;
import ai.mint.events.Trajectory;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Trains one policy by hand over Kafka, shaped like Tinker's training client but driven through the lifecycle topics:
 * every call publishes a request with a fresh correlation id and returns a future of the worker's result (failing
 * after the client's timeout). {@link #sample} draws rollouts, {@link #optimStep} is Tinker's forward_backward +
 * optim_step with the GRPO loss on those rollouts (the worker saves the trainer state, returned as state_uri, after
 * every step), {@link #saveWeightsForSampler} exports the adapter alone, {@link #evaluate} scores it, and
 * {@link #samplingClient} samples a fixed revision. Use it for policies created without a training spec: those with
 * one are driven by the orchestrator.
 *
 * <p>It is also a {@link TrainingClient}, so code written against that interface runs on it as on the in-process
 * one. Over Kafka it honours {@link #policyId()}, {@link #saveWeightsForSampler(String)} and
 * {@link #saveWeightsAndGetSamplingClient(String)} (both export the revision of the last {@code optimStep} made
 * through this client); the other interface methods have no lifecycle event yet and return a failed future with an
 * {@link UnsupportedOperationException} that names what is missing and the call to use instead.
 */
public final class KafkaTrainingClient implements TrainingClient {

    private final MintClient client;
    private final TrainingChannels channels;
    private final String policyId;
    private final AtomicReference<UpdateResult> lastUpdate = new AtomicReference<>();

    KafkaTrainingClient(MintClient client, TrainingChannels channels, String policyId) {
        this.client = client;
        this.channels = channels;
        this.policyId = policyId;
    }

    @Override
    public String policyId() {
        return policyId;
    }

    /** Samples {@code groupSize} completions of each prompt from {@code revision} (the base model's id: no adapter). */
    public CompletableFuture<RolloutResult> sample(String revision, List<String> prompts, int groupSize,
                                                   SamplingParams sampling) {
        String correlation = UUID.randomUUID().toString();
        CompletableFuture<RolloutResult> reply = channels.rollouts.expect(correlation);
        client.publish(ai.mint.topics.Topics.ROLLOUT_REQUESTS.name(), policyId, RolloutRequest.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setPolicyId(policyId).setTime(Instant.now())
                .setCorrelationId(correlation).setProducedBy(client.clientId()).setRevision(revision)
                .setPrompts(prompts).setGroupSize(groupSize).setSampling(sampling).build());
        return client.within(reply, "rollout of " + policyId + "@" + revision);
    }

    /** One GRPO step on {@code trajectories} from {@code baseRevision}; the result names the new revision. */
    public CompletableFuture<UpdateResult> optimStep(String baseRevision, List<Trajectory> trajectories,
                                                     AdamParams adam, int step) {
        String correlation = UUID.randomUUID().toString();
        CompletableFuture<UpdateResult> reply = channels.updates.expect(correlation);
        client.publish(ai.mint.topics.Topics.UPDATE_REQUESTS.name(), policyId, UpdateRequest.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setPolicyId(policyId).setTime(Instant.now())
                .setCorrelationId(correlation).setProducedBy(client.clientId()).setBaseRevision(baseRevision)
                .setTrajectories(trajectories).setLossFn("grpo").setAdam(adam).setStep(step).build());
        return client.within(reply, "update step " + step + " of " + policyId).whenComplete((result, error) -> {
            if (result != null && result.getError() == null) {
                lastUpdate.set(result);
            }
        });
    }

    /** Exports the revision's adapter alone (PEFT layout, sha-256) for sampling and serving. */
    public CompletableFuture<ExportResult> saveWeightsForSampler(UpdateResult trained) {
        String correlation = UUID.randomUUID().toString();
        CompletableFuture<ExportResult> reply = channels.exports.expect(correlation);
        client.publish(ai.mint.topics.Topics.EXPORT_REQUESTS.name(), policyId, ExportRequest.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setPolicyId(policyId).setTime(Instant.now())
                .setCorrelationId(correlation).setProducedBy(client.clientId()).setRevision(trained.getNewRevision())
                .setStateUri(trained.getStateUri()).build());
        return client.within(reply, "export of " + policyId + "@" + trained.getNewRevision());
    }

    /** Scores an exported revision; the catalog applies the policy's promotion gate to the result. */
    public CompletableFuture<EvalResult> evaluate(ExportResult exported, EvalSpec eval) {
        String correlation = UUID.randomUUID().toString();
        CompletableFuture<EvalResult> reply = channels.evals.expect(correlation);
        client.publish(ai.mint.topics.Topics.EVAL_REQUESTS.name(), policyId, EvalRequest.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setPolicyId(policyId).setTime(Instant.now())
                .setCorrelationId(correlation).setProducedBy(client.clientId()).setRevision(exported.getRevision())
                .setAdapterUri(exported.getAdapterUri()).setSha256(exported.getSha256()).setEval(eval).build());
        return client.within(reply, "eval of " + policyId + "@" + exported.getRevision());
    }

    /** Samples exactly {@code revision} through the serving path (Tinker's sampling client). */
    public KafkaSamplingClient samplingClient(String revision) {
        return new KafkaSamplingClient(client, policyId, revision);
    }

    /**
     * Exports the revision of the last {@code optimStep} made through this client. Kafka exports are addressed by
     * revision, so {@code name} only labels the call: the adapter's address is the one the export worker returns.
     */
    @Override
    public CompletableFuture<SavedCheckpoint> saveWeightsForSampler(String name) {
        UpdateResult trained = lastUpdate.get();
        return trained == null ? noUpdateYet(name) : exportCheckpoint(trained);
    }

    /** Exports as {@link #saveWeightsForSampler(String)} does and returns a {@link KafkaSamplingClient} pinned to it. */
    @Override
    public CompletableFuture<ai.mint.api.SamplingClient> saveWeightsAndGetSamplingClient(String name) {
        UpdateResult trained = lastUpdate.get();
        return trained == null ? noUpdateYet(name)
                : exportCheckpoint(trained).thenApply(saved -> samplingClient(trained.getNewRevision()));
    }

    private CompletableFuture<SavedCheckpoint> exportCheckpoint(UpdateResult trained) {
        return saveWeightsForSampler(trained).thenCompose(exported -> exported.getError() != null
                ? CompletableFuture.failedFuture(new MintClientException("export of " + policyId + "@"
                + exported.getRevision() + " failed: " + exported.getError()))
                : CompletableFuture.completedFuture(new SavedCheckpoint(exported.getAdapterUri(),
                SavedCheckpoint.Kind.SAMPLER_WEIGHTS, exported.getBytes(), exported.getSha256())));
    }

    private <T> CompletableFuture<T> noUpdateYet(String name) {
        return CompletableFuture.failedFuture(new IllegalStateException("saveWeightsForSampler(\"" + name
                + "\") over Kafka exports the revision of the last optimStep(baseRevision, trajectories, adam, step)"
                + " made through this client, and none has succeeded for policy " + policyId
                + "; to export another revision use saveWeightsForSampler(UpdateResult)"));
    }

    @Override
    public CompletableFuture<ForwardBackwardOutput> forwardBackward(List<Datum> batch, LossFunction lossFn,
                                                                    LossConfig config) {
        return unsupported("forwardBackward(batch, " + lossFn + ") over Kafka: no lifecycle event carries a "
                + "datum-level batch with a chosen loss (mint.update.requests takes GRPO trajectories and runs "
                + "forward_backward and optim_step as one step); use optimStep(baseRevision, trajectories, adam, step) "
                + "with a GRPO rollout batch from sample(revision, prompts, groupSize, sampling)");
    }

    @Override
    public CompletableFuture<OptimStepResult> optimStep(ai.mint.api.AdamConfig params) {
        return unsupported("optimStep(AdamConfig) over Kafka: it applies gradients accumulated by forwardBackward, "
                + "and no event carries those; use optimStep(baseRevision, trajectories, adam, step), which sends a "
                + "GRPO rollout batch and the Adam settings in one update request");
    }

    @Override
    public CompletableFuture<SampleResponse> sample(int[] promptTokens, int numSamples,
                                                    ai.mint.api.SamplingConfig params) {
        return unsupported("sample(tokens, ...) over Kafka: rollout and inference requests carry text prompts (the "
                + "tokenizer lives in the worker), so there is no event for a token-id prompt; use "
                + "sample(revision, prompts, groupSize, sampling) or samplingClient(revision).sample(prompt, sampling)");
    }

    @Override
    public CompletableFuture<SavedCheckpoint> saveState(String name) {
        return unsupported("saveState(\"" + name + "\") over Kafka: there is no save-state event; the update worker "
                + "saves the trainer state (adapter, Adam moments, step, RNG) after every step and returns its "
                + "address as UpdateResult.state_uri of optimStep(baseRevision, trajectories, adam, step)");
    }

    @Override
    public CompletableFuture<Void> loadState(String uri) {
        return unsupported("loadState(" + uri + ") over Kafka: there is no load-state event; the worker that owns "
                + "the policy resumes it from its last saved state (UpdateResult.state_uri) by itself");
    }

    @Override
    public CompletableFuture<Void> loadStateWithOptimizer(String uri) {
        return unsupported("loadStateWithOptimizer(" + uri + ") over Kafka: there is no load-state event; the worker "
                + "that owns the policy resumes it, optimizer included, from its last saved state by itself");
    }

    private static <T> CompletableFuture<T> unsupported(String what) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(what));
    }
}
