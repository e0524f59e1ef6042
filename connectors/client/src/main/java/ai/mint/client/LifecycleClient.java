package ai.mint.client;

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

/**
 * Drives one policy's lifecycle by hand over its topics: every call publishes a request with a fresh correlation id
 * and returns a future of the worker's result (failing after the client's timeout). {@link #sample} draws rollouts,
 * {@link #optimStep} runs one GRPO step on them (the worker saves the trainer state, returned as state_uri),
 * {@link #saveWeightsForSampler} exports the adapter alone, {@link #evaluate} scores it, and {@link #samplingClient}
 * samples a fixed revision through the serving path. It is what the orchestrator does for policies with a training
 * spec; the Tinker-shaped API over Kafka is {@link KafkaServiceClient}.
 */
public final class LifecycleClient {

    private final MintClient client;
    private final TrainingChannels channels;
    private final String policyId;

    LifecycleClient(MintClient client, TrainingChannels channels, String policyId) {
        this.client = client;
        this.channels = channels;
        this.policyId = policyId;
    }

    /** The policy this client drives. */
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
        return client.within(reply, "update step " + step + " of " + policyId);
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
    public RevisionSampler samplingClient(String revision) {
        return new RevisionSampler(client, policyId, revision);
    }
}
