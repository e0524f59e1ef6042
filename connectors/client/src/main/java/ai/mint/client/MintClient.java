package ai.mint.client;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.AdapterPin;
import ai.mint.events.AdapterPinResult;
import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.PointerMove;
import ai.mint.events.PolicySpec;
import ai.mint.events.PolicyStatus;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RollbackResult;
import ai.mint.events.SamplingParams;
import ai.mint.events.ServeRequest;
import ai.mint.events.ServeResult;
import ai.mint.events.TrainingSpec;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The platform as a Java API over Kafka: every call publishes an Avro event keyed by policy id and returns a future
 * completed by the matching reply (by correlation id, or request id for inference), or by the catalog once it shows
 * the change; each future fails with a {@link java.util.concurrent.TimeoutException} after the client's timeout.
 * Policies are looked up by key through the catalog's query API when the connection names it ({@code catalog.url}),
 * else read from the compacted catalog topic. External systems can do the same with any Kafka client.
 */
public final class MintClient implements AutoCloseable {

    private final String clientId;
    private final Duration timeout;
    private final Producer<String, SpecificRecord> producer;
    private final PolicyDirectory catalog;
    private final KafkaClients clients;
    private final SchemaRegistryClient registry;
    private final ReplyChannel<ServeResult> promotions;
    private final ReplyChannel<RollbackResult> rollbacks;
    private OwnReplies<InferenceResponse> samples;
    private final ReplyChannel<AdapterPinResult> pins;
    private final SeenVersions seen = new SeenVersions(SeenVersions.DEFAULT_CAPACITY);
    private TrainingChannels training;

    /** A client of a platform with plain Kafka and an anonymous registry (embedded platforms, tests). */
    public MintClient(String bootstrapServers, String registryUrl, Duration timeout) {
        this(PlatformConnection.of(bootstrapServers, registryUrl), timeout);
    }

    /** A client of the platform {@code connection} names, with its Kafka properties and registry credentials. */
    public MintClient(PlatformConnection connection, Duration timeout) {
        this.clientId = "mint-client-" + UUID.randomUUID().toString().substring(0, 8);
        this.timeout = timeout;
        this.clients = KafkaClients.of(connection);
        this.registry = connection.registry();
        // linger 0: a person waits on every call
        this.producer = clients.producer(clientId, new StringSerializer(), new AvroEventSerializer<>(registry),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
        // by key through the query API when the client knows it; a replay of the catalog topic only without one
        this.catalog = connection.catalog().isPresent() ? new LookedUpCatalog(connection)
                : new CatalogView(clients, registry, clientId);
        this.promotions = new ReplyChannel<>(clients, registry, Topics.SERVE_RESULTS.name(), ServeResult.class,
                ServeResult::getCorrelationId, clientId + "-serve");
        this.rollbacks = new ReplyChannel<>(clients, registry, Topics.ROLLBACK_RESULTS.name(),
                RollbackResult.class, RollbackResult::getCorrelationId, clientId + "-rollback");
        this.pins = new ReplyChannel<>(clients, registry, Topics.ADAPTER_PIN_RESULTS.name(), AdapterPinResult.class,
                AdapterPinResult::getCorrelationId, clientId + "-pins");
    }

    /** Waits until what the client answers about policies is as new as the catalog when this was called. */
    public MintClient awaitCatalog() {
        catalog.awaitCurrent(timeout);
        return this;
    }

    /** Publishes a policy spec; completes when the catalog holds it (refused specs go to the dead-letter topic). */
    public CompletableFuture<CatalogEntry> createPolicy(PolicySpec spec) {
        PolicySpec stamped = PolicySpec.newBuilder(spec).setEventId(newId()).setTime(Instant.now()).build();
        publish(Topics.POLICY_SPECS.name(), stamped.getPolicyId(), stamped);
        return within(catalog.when(stamped.getPolicyId(),
                e -> e.getSpec().getEventId().equals(stamped.getEventId())).thenApply(seen::saw), "policy "
                + stamped.getPolicyId() + " to appear in the catalog (a refused spec is in mint.deadletter)");
    }

    /** Policies, sorted by id (the whole catalog: for small catalogs; page with CatalogLookup otherwise). */
    public List<CatalogEntry> listPolicies() {
        List<CatalogEntry> all = catalog.all();
        all.forEach(seen::saw);
        return all;
    }

    public Optional<CatalogEntry> policy(String policyId) {
        return catalog.get(policyId).map(seen::saw);
    }

    /** Every move of the policy's serving pointer, oldest first. */
    public List<PointerMove> history(String policyId) {
        return policy(policyId).map(CatalogEntry::getHistory).orElseThrow(() -> unknown(policyId));
    }

    /** Trains the policy {@code moreSteps} steps beyond what it has done: republishes its spec, active. */
    public CompletableFuture<CatalogEntry> train(String policyId, int moreSteps) {
        if (moreSteps < 1) {
            throw new MintClientException("steps must be >= 1, got " + moreSteps);
        }
        CatalogEntry entry = policy(policyId).orElseThrow(() -> unknown(policyId));
        PolicySpec spec = entry.getSpec();
        if (spec.getTraining() == null) {
            throw new MintClientException("policy " + policyId + " has no training spec; create it with one");
        }
        int done = entry.getRevisions().stream().mapToInt(r -> r.getStep()).max().orElse(0);
        TrainingSpec training = TrainingSpec.newBuilder(spec.getTraining()).setSteps(done + moreSteps).build();
        return createPolicy(PolicySpec.newBuilder(spec).setTraining(training).setStatus(PolicyStatus.ACTIVE).build());
    }

    /** Stops the policy's training loop (its serving revision keeps serving). */
    public CompletableFuture<CatalogEntry> stop(String policyId) {
        PolicySpec spec = policy(policyId).orElseThrow(() -> unknown(policyId)).getSpec();
        return createPolicy(PolicySpec.newBuilder(spec).setStatus(PolicyStatus.STOPPED).build());
    }

    /** Asks the catalog to serve {@code revision}; the result says whether the pointer moved and why. */
    public CompletableFuture<ServeResult> promote(String policyId, String revision, String reason) {
        String correlation = newId();
        CompletableFuture<ServeResult> future = promotions.expect(correlation);
        publish(Topics.SERVE_REQUESTS.name(), policyId, ServeRequest.newBuilder()
                .setEventId(newId()).setPolicyId(policyId).setTime(Instant.now()).setCorrelationId(correlation)
                .setProducedBy(clientId).setRevision(revision).setReason(reason).setRequestedBy(user()).build());
        return within(future, "the promotion of " + policyId + "@" + revision);
    }

    /** Moves the pointer back to {@code targetRevision} (null: the latest good revision before the serving one). */
    public CompletableFuture<RollbackResult> rollback(String policyId, String targetRevision, String reason) {
        String correlation = newId();
        CompletableFuture<RollbackResult> future = rollbacks.expect(correlation);
        publish(Topics.ROLLBACK_REQUESTS.name(), policyId, RollbackRequest.newBuilder()
                .setEventId(newId()).setPolicyId(policyId).setTime(Instant.now()).setCorrelationId(correlation)
                .setProducedBy(clientId).setTargetRevision(targetRevision).setReason(reason).setRequestedBy(user())
                .build());
        return within(future, "the rollback of " + policyId);
    }

    /**
     * Samples a completion from the policy's serving revision ({@code revision} pins another one). The request carries
     * the newest entry version this client has shown for the policy, so a promotion or rollback the caller has seen is
     * what answers, even from a worker whose copy of the catalog is a moment behind. It is answered on this client's
     * own reply topic ({@code mint.inference.replies.CLIENT}, created by the first call, deleted on close), so a client
     * reads only its own answers.
     */
    public CompletableFuture<InferenceResponse> sample(String policyId, String prompt, SamplingParams sampling,
                                                       String revision) {
        String requestId = newId();
        OwnReplies<InferenceResponse> replies = samples();
        CompletableFuture<InferenceResponse> future = replies.expect(requestId);
        publish(Topics.INFERENCE_REQUESTS.name(), policyId, InferenceRequest.newBuilder()
                .setEventId(newId()).setPolicyId(policyId).setTime(Instant.now()).setRequestId(requestId)
                .setRevision(revision).setPrompt(prompt).setSampling(sampling)
                .setMinEntryVersion(seen.of(policyId)).setReplyTopic(replies.topic()).build());
        return within(future, "a completion from " + policyId);
    }

    /**
     * Pins a revision of the policy resident on the serving workers until {@link #unpin}: it counts against their
     * device budget and is never evicted. {@code revision} null pins the revision serving now. Completes with the
     * first worker's answer (accepted, or refused with the reason: unknown revision, or too large beside the
     * adapters already pinned); every serving worker answers on {@code mint.adapter.pin.results}.
     */
    public CompletableFuture<AdapterPinResult> pin(String policyId, String revision, String reason) {
        return publishPin(policyId, revision, true, reason);
    }

    /** Lets a pinned revision be evicted again; {@code revision} null means the revision serving now. */
    public CompletableFuture<AdapterPinResult> unpin(String policyId, String revision, String reason) {
        return publishPin(policyId, revision, false, reason);
    }

    private CompletableFuture<AdapterPinResult> publishPin(String policyId, String revision, boolean pinned,
                                                           String reason) {
        String rev = revision != null ? revision : policy(policyId).orElseThrow(() -> unknown(policyId))
                .getServingRevision();
        if (rev == null) {
            throw new MintClientException("policy '" + policyId + "' serves no revision yet; name the one to "
                    + (pinned ? "pin" : "unpin") + " (POLICY@REVISION)");
        }
        String correlation = newId();
        CompletableFuture<AdapterPinResult> future = pins.expect(correlation);
        publish(Topics.ADAPTER_PINS.name(), policyId + "@" + rev, AdapterPin.newBuilder()
                .setEventId(newId()).setPolicyId(policyId).setTime(Instant.now()).setRevision(rev)
                .setAdapter(policyId + "@" + rev).setPinned(pinned).setCorrelationId(correlation)
                .setRequestedBy(user()).setReason(reason).build());
        return within(future, "a serving worker to " + (pinned ? "pin " : "unpin ") + policyId + "@" + rev
                + " (is a worker with the inference role running?)");
    }

    /** Inference answers dropped because their request was answered already (a re-sent pack answered twice). */
    public synchronized long duplicateAnswersDropped() {
        return samples == null ? 0 : samples.duplicatesDropped();
    }

    /** The topic this client's inference requests are answered on (created by the first {@link #sample}). */
    public String inferenceReplyTopic() {
        return Topics.inferenceReplies(clientId).name();
    }

    private synchronized OwnReplies<InferenceResponse> samples() {
        if (samples == null) {
            samples = new OwnReplies<>(this, Topics.inferenceReplies(clientId), InferenceResponse.class,
                    InferenceResponse::getRequestId);
        }
        return samples;
    }

    /** A client that drives {@code policyId}'s lifecycle (rollout, update, export, eval) by hand. */
    public synchronized LifecycleClient lifecycle(String policyId) {
        if (training == null) {
            training = new TrainingChannels(clients, registry, clientId);
        }
        return new LifecycleClient(this, training, policyId);
    }

    /** This client's id: produced_by of its events, the name of its reply topics ({@code mint.replies.ID}, {@code mint.inference.replies.ID}). */
    public String clientId() {
        return clientId;
    }

    KafkaClients clients() {
        return clients;
    }

    SchemaRegistryClient registry() {
        return registry;
    }

    Duration timeout() {
        return timeout;
    }

    void publish(String topic, String key, SpecificRecord event) {
        try {
            producer.send(new ProducerRecord<>(topic, key, event)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MintClientException("interrupted while publishing to " + topic, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new MintClientException("cannot publish to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    <T> CompletableFuture<T> within(CompletableFuture<T> future, String what) {
        return future.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        e instanceof java.util.concurrent.TimeoutException
                                ? new MintClientException("no answer within " + timeout.toSeconds() + " s waiting for "
                                + what + "; is the platform (catalog app, workers) running?", e) : e));
    }

    private static MintClientException unknown(String policyId) {
        return new MintClientException("unknown policy '" + policyId + "' (not in the catalog)");
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    private static String user() {
        return System.getProperty("user.name", "unknown");
    }

    @Override
    public void close() {
        catalog.close();
        promotions.close();
        rollbacks.close();
        pins.close();
        synchronized (this) {
            if (samples != null) {
                samples.close();
            }
            if (training != null) {
                training.close();
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}
