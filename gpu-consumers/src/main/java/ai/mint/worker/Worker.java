package ai.mint.worker;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.TopicSpec;
import ai.mint.worker.store.AdapterStore;
import ai.mint.worker.store.FilesystemAdapterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process: a resident base model, the roles its config names, and the threads that do the work: a
 * consumer-group member for lifecycle requests (rollout, update, export, eval), one for inference requests (serve), one
 * for the calls of the training API (forward_backward, optim_step, sample, checkpoints), a follower of the catalog topic, and a heartbeat. Work is keyed by policy id, so one policy's requests reach one member
 * at a time, and its trainer state is saved after every step for whichever member owns it next.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final ModelRuntime runtime;
    private final CatalogFollower catalog;
    private final WorkContext context;
    private final WorkerOutputs outputs;
    private final PolicyTrainers trainers;
    private final TrainingSessions sessions;
    private final ReplyTopics replyTopics;
    private final List<RequestLoop> loops = new ArrayList<>();
    private final Heartbeat heartbeat;

    private Worker(WorkerConfig config, AdapterStore store) {
        this.config = config;
        SchemaRegistryClient registry = config.connection.registry();
        KafkaClients clients = KafkaClients.of(config.connection);
        this.runtime = ModelRuntime.open(config.engine, config.microBatch, config.generationMaxRows, store,
                config.baseModel);
        this.catalog = new CatalogFollower(clients, registry, config.workerId + "-catalog", config.decodeRetry).start();
        this.context = new WorkContext(config.workerId, runtime, catalog, Duration.ofMillis(config.catalogWaitMs),
                config.limits);
        this.outputs = new WorkerOutputs(clients, registry, config.workerId, config.deadLetterMaxValueBytes);
        this.trainers = new PolicyTrainers(store, runtime);
        this.sessions = new TrainingSessions(context, TrainingSessions.DEFAULT_MAX_RESIDENT);
        this.replyTopics = new ReplyTopics(clients.admin(config.workerId + "-replies"));
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
        if (config.roles.contains(WorkerRole.INFERENCE)) {
            InferenceProcessor processor = new InferenceProcessor(outputs, registry, config.decodeRetry,
                    new InferenceHandler(context), config.inferenceBatch);
            loops.add(new RequestLoop(config.workerId + "-inference", clients, config.groupId + "-inference",
                    config.workerId + "-inference", List.of(WorkerRole.INFERENCE.requests().name()), config.inferenceBatch,
                    processor).timing(config.pollTimeout, config.retryBackoff));
        }
        if (config.roles.contains(WorkerRole.TRAINING)) {
            TrainingProcessor processor = new TrainingProcessor(outputs, registry, config.decodeRetry,
                    new TrainingCallHandler(context, sessions, outputs), replyTopics::existing);
            loops.add(new RequestLoop(config.workerId + "-training", clients, config.groupId + "-training",
                    config.workerId + "-training", List.of(WorkerRole.TRAINING.requests().name()),
                    config.lifecycleMaxPoll, processor).timing(config.pollTimeout, config.retryBackoff));
        }
        this.heartbeat = new Heartbeat(outputs, config, runtime,
                () -> loops.stream().mapToInt(RequestLoop::queueDepth).sum());
    }

    /** Starts a worker with the filesystem adapter store under the configured root. */
    public static Worker start(WorkerConfig config) {
        return start(config, new FilesystemAdapterStore(config.storeRoot));
    }

    /** Starts a worker with the given adapter store (e.g. an S3-compatible one). */
    public static Worker start(WorkerConfig config, AdapterStore store) {
        Worker worker = new Worker(config, store);
        worker.loops.forEach(RequestLoop::start);
        worker.heartbeat.start();
        LOG.info("worker {} started: roles {}, base {} on {}", config.workerId, config.roles, config.baseModel,
                config.device);
        return worker;
    }

    public WorkerConfig config() {
        return config;
    }

    public ModelRuntime runtime() {
        return runtime;
    }

    /** Stops taking work, finishes and commits the batch in hand, then releases the model. */
    @Override
    public void close() {
        stop(false);
    }

    /** Stops like a crash: the batch in hand is not committed, so another worker receives it again. */
    public void kill() {
        stop(true);
    }

    private void stop(boolean abort) {
        heartbeat.close();
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
        LOG.info("worker {} stopped", config.workerId);
    }
}
