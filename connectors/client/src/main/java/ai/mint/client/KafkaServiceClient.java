package ai.mint.client;

import ai.mint.api.LoraConfig;
import ai.mint.api.RestClient;
import ai.mint.api.SamplingClient;
import ai.mint.api.ServiceClient;
import ai.mint.api.TrainingClient;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.TopicFollower;
import ai.mint.events.CatalogEntry;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PolicyStatus;
import ai.mint.events.TrainingReply;
import ai.mint.events.TrainingRequest;
import ai.mint.events.WorkerStatus;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Tinker-shaped training API over Kafka. A LoRA training client is a policy in the catalog (a spec without a
 * training loop); its calls go to {@code mint.training.requests}, keyed by policy, and are answered on this client's
 * own reply topic ({@code mint.replies.CLIENT}, created on first use, deleted on close), so no client reads another's
 * replies. Workers with the {@code training} role run the calls on their one training service, where the calls of
 * several policies that arrive together merge into one multi-policy step.
 */
public final class KafkaServiceClient implements ServiceClient {

    private final MintClient client;
    private final boolean ownsClient;
    private OwnReplies<TrainingReply> replies;

    /** The API over an existing client's connection; closing this leaves {@code client} open. */
    public KafkaServiceClient(MintClient client) {
        this(client, false);
    }

    private KafkaServiceClient(MintClient client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
    }

    /** The API of the platform {@code connection} names; calls fail after {@code timeout}. */
    public static KafkaServiceClient connect(PlatformConnection connection, Duration timeout) {
        return new KafkaServiceClient(new MintClient(connection, timeout).awaitCatalog(), true);
    }

    /** The base models of the workers that take training calls (read from their latest heartbeats). */
    @Override
    public List<String> supportedBaseModels() {
        Set<String> bases = new TreeSet<>();
        // heartbeats are keyed by worker id
        EventDecoder<WorkerStatus> decoder = new EventDecoder<>(new AvroEventDeserializer<>(client.registry(),
                WorkerStatus.class), "worker_id", RetryPolicy.DEFAULT);
        try (TopicFollower<WorkerStatus> status = new TopicFollower<>(client.clients(), decoder, RetryPolicy.DEFAULT,
                Topics.WORKER_STATUS.name(), true, client.clientId() + "-status", s -> {
                    if (s.getRoles().contains("training")) {
                        synchronized (bases) {
                            bases.add(s.getBaseModel());
                        }
                    }
                })) {
            status.caughtUp().get(client.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new MintClientException("cannot read the worker status topic: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MintClientException("interrupted while reading worker status", e);
        }
        synchronized (bases) {
            return List.copyOf(bases);
        }
    }

    /** Registers a new policy ({@code tinker-} and a random id) over {@code baseModel} and returns its client. */
    @Override
    public TrainingClient createLoraTrainingClient(String baseModel, LoraConfig lora) {
        return createLoraTrainingClient(baseModel, lora, "tinker-" + UUID.randomUUID().toString().substring(0, 12));
    }

    /** As {@link #createLoraTrainingClient(String, LoraConfig)}, with the policy's id chosen by the caller. */
    public KafkaTrainingClient createLoraTrainingClient(String baseModel, LoraConfig lora, String policyId) {
        if (client.policy(policyId).isPresent()) {
            throw new MintClientException("policy '" + policyId + "' already exists; continue it with "
                    + "trainingClient(policyId, stateVersion)");
        }
        PolicySpec spec = PolicySpec.newBuilder().setEventId(newId()).setPolicyId(policyId).setTime(Instant.now())
                .setBaseModel(baseModel)
                .setLora(LoraSpec.newBuilder().setRank(lora.rank()).setAlpha(lora.alpha())
                        .setTargetModules(lora.targetModules()).setSeed(lora.seed()).build())
                .setRewardSpec("").setTraining(null).setStatus(PolicyStatus.ACTIVE).build();
        join(client.createPolicy(spec), "creating policy " + policyId);
        return trainingClient(policyId, 0);
    }

    /**
     * A client of an existing policy whose training state is at {@code stateVersion} (0: never stepped; else the
     * state version of the last state-changing reply, which a refused call also names).
     */
    public KafkaTrainingClient trainingClient(String policyId, long stateVersion) {
        return new KafkaTrainingClient(this, policyId, stateVersion);
    }

    @Override
    public SamplingClient createSamplingClient(String adapterUri) {
        String policyId = TrainingCalls.policyOf(adapterUri);
        if (!adapterUri.startsWith("mint://" + policyId + "/sampler/")) {
            throw new MintClientException(adapterUri + " is a training state; sampling needs a sampler export");
        }
        return new KafkaSamplingClient(this, policyId, adapterUri);
    }

    @Override
    public RestClient createRestClient() {
        return new KafkaRestClient(this);
    }

    /** A call of {@code policyId} with fresh ids, addressed to this client's reply topic; the caller sets the rest. */
    TrainingRequest.Builder newRequest(String policyId) {
        return TrainingRequest.newBuilder().setEventId(newId()).setPolicyId(policyId).setTime(Instant.now())
                .setCorrelationId(newId()).setProducedBy(client.clientId()).setReplyTopic(replies().topic());
    }

    /** Publishes a call; its reply, failed with the worker's reason when the call failed. */
    CompletableFuture<TrainingReply> send(TrainingRequest call, String what) {
        return sendRaw(call, what).thenCompose(r -> r.getError() == null ? CompletableFuture.completedFuture(r)
                : CompletableFuture.failedFuture(new MintClientException(what + " failed: " + r.getError())));
    }

    /** Publishes a call; its reply as the worker sent it, error included. */
    CompletableFuture<TrainingReply> sendRaw(TrainingRequest call, String what) {
        try {
            CompletableFuture<TrainingReply> reply = replies().expect(call.getCorrelationId());
            client.publish(Topics.TRAINING_REQUESTS.name(), call.getPolicyId(), call);
            return client.within(reply, what);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private synchronized OwnReplies<TrainingReply> replies() {
        if (replies == null) {
            replies = new OwnReplies<>(client, Topics.replies(client.clientId()), TrainingReply.class,
                    TrainingReply::getCorrelationId);
        }
        return replies;
    }

    private <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new MintClientException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MintClientException("interrupted while " + what, e);
        }
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** The catalog entry of a policy this client created or knows. */
    public java.util.Optional<CatalogEntry> policy(String policyId) {
        return client.policy(policyId);
    }

    @Override
    public synchronized void close() {
        if (replies != null) {
            replies.close();
            replies = null;
        }
        if (ownsClient) {
            client.close();
        }
    }
}
