package ai.mint.worker;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.ids.EventIds;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.kafka.ReplyTopics;
import ai.mint.common.kafka.TopicFollower;
import ai.mint.common.metrics.MetricsConfig;
import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.events.AdapterPin;
import ai.mint.events.RevisionRetired;
import ai.mint.events.WorkItem;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import ai.mint.common.store.AdapterStore;
import ai.mint.common.store.FilesystemAdapterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process: a resident base model, the roles its config names, and the threads that do the work: a
 * consumer-group member for lifecycle requests (rollout, update, export, eval); for inference, the intake of the
 * adapter-packed work the scheduler sends to this worker's own topic and the runner that answers it (or, with
 * {@code inference.intake=requests}, a consumer-group member for raw inference requests); a follower of the catalog
 * topic; a follower of the adapter pins (inference role); a follower of the catalog's retirements (a retired revision
 * leaves the working set at once rather than when the byte budget pushes it out); a consumer-group member for the calls of the training API
 * (forward_backward, optim_step, sample, checkpoints); and a heartbeat with the engine's true residency. Inference
 * requests of either intake join the model thread's continuous batch. Lifecycle work is keyed by policy id, so one
 * policy's requests reach one member at a time, and its trainer state is saved after every step for whichever member
 * owns it next.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final ModelRuntime runtime;
    private final PolicyCatalog catalog;
    private final WorkContext context;
    private final WorkerOutputs outputs;
    private final PolicyTrainers trainers;
    private final TrainingSessions sessions;
    private final ReplyTopics replyTopics;
    private final List<RequestLoop> loops = new ArrayList<>();
    /** Follows every pin from the beginning of the compacted topic (each serving worker keeps them all: no group). */
    private final Supplier<TopicFollower<AdapterPin>> followPins;
    private volatile TopicFollower<AdapterPin> pins;
    /** Follows the catalog's retirements from the end: a retired revision leaves the working set at once. */
    private volatile TopicFollower<RevisionRetired> retirements;
    private final KafkaClients clients;
    private final SchemaRegistryClient registry;
    /** This run's id: the scheduler addresses packs to it, and drops nothing sent to an earlier run. */
    private final String instance = EventIds.fresh();
    private final PackRunner packs;
    private final PackIntake intake;
    private final Heartbeat heartbeat;
    private final ServiceMetrics metrics;
    private final LoopHealth health = new LoopHealth();
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    private Worker(WorkerConfig config, AdapterStore store) {
        this.config = config;
        SchemaRegistryClient registry = config.connection.registry();
        KafkaClients clients = KafkaClients.of(config.connection);
        this.registry = registry;
        this.clients = clients;
        this.runtime = ModelRuntime.open(config.engine, config.microBatch, config.generationMaxRows,
                config.inferenceSlice, store, config.baseModel);
        runtime.keepRevisionsPerPolicy(config.revisionsPerPolicy);
        this.catalog = catalog(config, clients, registry, health);
        this.context = new WorkContext(config.workerId, runtime, catalog, Duration.ofMillis(config.catalogWaitMs),
                config.limits);
        this.outputs = new WorkerOutputs(clients, registry, config.workerId, config.deadLetterMaxValueBytes);
        this.trainers = new PolicyTrainers(store, runtime);
        this.sessions = new TrainingSessions(context, TrainingSessions.DEFAULT_MAX_RESIDENT);
        this.replyTopics = new ReplyTopics(clients.admin(config.workerId + "-replies"));
        this.metrics = MetricsConfig.start("worker", config);
        WorkerMetrics meters = new WorkerMetrics(metrics, MetricsConfig.policyLabels(config), runtime);
        outputs.observe(meters::published);
        metrics.bindKafkaClient(outputs.producer());
        runtime.onColdLoad(meters::coldLoad);
        List<TopicSpec> lifecycle = config.roles.stream()
                .filter(r -> r != WorkerRole.INFERENCE && r != WorkerRole.TRAINING)
                .map(WorkerRole::requests).toList();
        if (!lifecycle.isEmpty()) {
            LifecycleProcessor processor = new LifecycleProcessor(outputs, registry, config.decodeRetry, lifecycle,
                    new RolloutHandler(context), new UpdateHandler(context, trainers),
                    new ExportHandler(context, trainers), new EvalHandler(context));
            loops.add(new RequestLoop(config.workerId + "-lifecycle", clients,
                    config.groupId + "-lifecycle", config.workerId + "-lifecycle",
                    lifecycle.stream().map(TopicSpec::name).toList(), config.lifecycleMaxPoll, processor)
                    .timing(config.pollTimeout, config.retryBackoff));
        }
        PackRunner packRunner = null;
        PackIntake packIntake = null;
        if (config.roles.contains(WorkerRole.INFERENCE)) {
            InferenceProcessor processor = new InferenceProcessor(outputs, registry, config.decodeRetry,
                    new InferenceHandler(context), replyTopics::existing);
            if (config.packIntake) {
                packRunner = new PackRunner(processor, outputs, config.workerId, instance, config.retryBackoff);
                WorkItemRouter router = new WorkItemRouter(registry, config.decodeRetry, outputs, config.workerId,
                        instance, packRunner, this::prefetch);
                packIntake = new PackIntake(clients, Topics.workTopic(config.workerId), config.workerId, router,
                        config.pollTimeout, config.retryBackoff).reportingTo(health);
            } else {
                loops.add(new RequestLoop(config.workerId + "-inference", clients, config.groupId + "-inference",
                        config.workerId + "-inference", List.of(WorkerRole.INFERENCE.requests().name()),
                        config.inferenceBatch, config.inferenceMaxInFlight, processor)
                        .timing(config.pollTimeout, config.retryBackoff));
            }
            PinHandler pinHandler = new PinHandler(context);
            // pins are keyed POLICY@REVISION (latest per adapter revision), not by policy id
            EventDecoder<AdapterPin> pinDecoder = new EventDecoder<>(new AvroEventDeserializer<>(registry,
                    AdapterPin.class), null, config.decodeRetry);
            this.followPins = () -> new TopicFollower<>(clients, pinDecoder, config.decodeRetry,
                    Topics.ADAPTER_PINS.name(), true, config.workerId + "-pins", pin -> applyPin(pinHandler, pin));
        } else {
            this.followPins = null;
        }
        if (config.roles.contains(WorkerRole.TRAINING)) {
            TrainingProcessor processor = new TrainingProcessor(outputs, registry, config.decodeRetry,
                    new TrainingCallHandler(context, sessions, outputs), replyTopics::existing);
            loops.add(new RequestLoop(config.workerId + "-training", clients, config.groupId + "-training",
                    config.workerId + "-training", List.of(WorkerRole.TRAINING.requests().name()),
                    config.lifecycleMaxPoll, processor).timing(config.pollTimeout, config.retryBackoff));
        }
        loops.forEach(loop -> loop.bindMetrics(metrics).reportingTo(health));
        this.packs = packRunner;
        this.intake = packIntake;
        PackRunner counted = packRunner;
        this.heartbeat = new Heartbeat(outputs, config, runtime,
                () -> loops.stream().mapToInt(RequestLoop::queueDepth).sum()
                        + (counted == null ? 0 : counted.queueDepth()),
                new Heartbeat.Intake(instance, packIntake == null ? null : Topics.workTopic(config.workerId).name(),
                        packIntake == null ? 0 : config.inferenceQueueCapacity)).whileHealthy(health);
    }

    /** Lookups by key through the catalog's query API when the worker knows it; else a replay of the catalog topic. */
    private static PolicyCatalog catalog(WorkerConfig config, KafkaClients clients, SchemaRegistryClient registry,
                                         LoopHealth health) {
        if (config.connection.catalog().isPresent()) {
            return new LookupCatalog(config.connection, config.workerId + "-catalog", config.catalogCacheEntries);
        }
        LOG.warn("{}: no {} given, so the worker reads the whole catalog topic into memory; give the catalog's query "
                + "API to look policies up instead", config.workerId, PlatformConnection.CATALOG_URL);
        return new CatalogFollower(clients, registry, config.workerId + "-catalog", config.decodeRetry)
                .reportingTo(health).start();
    }

    /** A load the scheduler sent ahead of its pack; a failure shows again, with its reason, on the pack's requests. */
    private void prefetch(WorkItem load) {
        if (load.getRevision() == null || !config.inferencePrefetch) {
            return;
        }
        runtime.prefetch(load.getPolicyId(), load.getRevision(), load.getAdapterUri(), load.getSha256(),
                        () -> !packs.answered(load.getPackId()))
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.warn("{}: load of {}@{} failed: {}", config.workerId, load.getPolicyId(),
                                load.getRevision(), failure.toString());
                    }
                });
    }

    /** Starts a worker with the filesystem adapter store under the configured root. */
    public static Worker start(WorkerConfig config) {
        return start(config, new FilesystemAdapterStore(config.storeRoot,
                FilesystemAdapterStore.DEFAULT_VERIFIED_CAPACITY, config.storeReadRoots));
    }

    /** Starts a worker with the given adapter store (e.g. an S3-compatible one). */
    public static Worker start(WorkerConfig config, AdapterStore store) {
        Worker worker = new Worker(config, store);
        worker.loops.forEach(RequestLoop::start);
        if (worker.intake != null) {
            worker.packs.start();
            worker.intake.start();
        }
        if (worker.followPins != null) {
            worker.pins = worker.followPins.get();
        }
        worker.retirements = new TopicFollower<>(worker.clients, worker.registry, Topics.CATALOG_RETIREMENTS.name(),
                RevisionRetired.class, false, config.workerId + "-retirements",
                retired -> worker.runtime.forget(retired.getPolicyId(), retired.getRevision()));
        worker.heartbeat.start();
        LOG.info("worker {} started: roles {}, base {} on {}", config.workerId, config.roles, config.baseModel,
                config.device);
        return worker;
    }

    /** Applies one pin decision and publishes its result. */
    private void applyPin(PinHandler handler, AdapterPin pin) {
        handler.apply(pin).thenAccept(reply -> outputs.sendAsync(reply.topic(), reply.key(), reply.event())
                .exceptionally(e -> {
                    LOG.warn("pin result not sent: {}", e.toString());
                    return null;
                }));
    }

    public WorkerConfig config() {
        return config;
    }

    public ModelRuntime runtime() {
        return runtime;
    }

    /** Where this worker's Prometheus endpoint is, if it serves one. */
    public java.util.Optional<String> metricsUrl() {
        return metrics.url();
    }

    /** Completes with the reason once one of the worker's loops has stopped for good (the worker is unhealthy). */
    public java.util.concurrent.CompletableFuture<String> whenUnhealthy() {
        return health.whenFailed();
    }

    /** This run's id, as its heartbeats carry it. */
    public String instance() {
        return instance;
    }

    /**
     * Stops taking work, answers the packs it took and finishes and commits the lifecycle batch in hand, says in a
     * last heartbeat that it leaves (so the scheduler sends its untaken packs elsewhere at once), then releases the
     * model.
     */
    @Override
    public void close() {
        stop(false);
    }

    /** Stops like a crash: the batch in hand is not committed and packs are not answered; others receive them again. */
    public void kill() {
        stop(true);
    }

    private void stop(boolean abort) {
        if (!stopped.compareAndSet(false, true)) {
            return; // closed already (a failed loop's exit runs the shutdown hook too)
        }
        if (pins != null) {
            pins.close();
        }
        if (retirements != null) {
            retirements.close();
        }
        if (intake != null) {
            intake.close();
            if (abort) {
                packs.close();
            } else {
                packs.drainAndStop(Duration.ofSeconds(60));
            }
        }
        if (abort) {
            heartbeat.close();
        } else {
            heartbeat.leave();
        }
        for (RequestLoop loop : loops) {
            if (abort) {
                loop.abort();
            } else {
                loop.close();
            }
        }
        catalog.close();
        outputs.close();
        trainers.close();
        sessions.close();
        replyTopics.close();
        context.close();
        runtime.close();
        metrics.close();
        LOG.info("worker {} stopped", config.workerId);
    }
}
