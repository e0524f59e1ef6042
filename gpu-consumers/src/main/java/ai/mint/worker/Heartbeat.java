package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.engine.AdapterStatus;
import ai.mint.engine.WorkingSetStats;
import ai.mint.events.AdapterState;
import ai.mint.events.AdapterTier;
import ai.mint.events.ResidentAdapter;
import ai.mint.events.WorkerStatus;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the worker's status to the compacted worker-status topic at a fixed interval: roles, base model, device,
 * the adapters of the engine's working set (per adapter its bytes, rank, tier, lifecycle state, pin, last use and
 * failure, as the engine reports them), both tiers' budgets, the work in hand and, for a worker that takes packs, its
 * work topic, run id and queue capacity. The scheduler routes adapter-packed work by it; the last heartbeat of a worker that stops on purpose says
 * so ({@link #leave}), so that its packs move at once.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    /**
     * What the worker says about its pack intake.
     *
     * @param instance      this run's id
     * @param workTopic     where the scheduler sends its packs; null when it takes none
     * @param queueCapacity most inference requests it takes at once (0 when it takes no packs)
     */
    public record Intake(String instance, String workTopic, int queueCapacity) {
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mint-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final WorkerOutputs outputs;
    private final WorkerConfig config;
    private final ModelRuntime runtime;
    private final IntSupplier queueDepth;
    private final Intake intake;

    public Heartbeat(WorkerOutputs outputs, WorkerConfig config, ModelRuntime runtime, IntSupplier queueDepth,
                     Intake intake) {
        this.outputs = outputs;
        this.config = config;
        this.runtime = runtime;
        this.queueDepth = queueDepth;
        this.intake = intake;
    }

    public Heartbeat start() {
        timer.scheduleAtFixedRate(this::beat, 0, config.heartbeatMs, TimeUnit.MILLISECONDS);
        return this;
    }

    WorkerStatus status(boolean leaving) {
        List<AdapterStatus> set = runtime.workingSet();
        WorkingSetStats stats = runtime.workingSetStats();
        List<ResidentAdapter> adapters = new ArrayList<>(set.size());
        for (AdapterStatus a : set) {
            int at = a.id().lastIndexOf('@');
            adapters.add(ResidentAdapter.newBuilder()
                    .setPolicyId(at < 0 ? a.id() : a.id().substring(0, at))
                    .setRevision(at < 0 ? "" : a.id().substring(at + 1))
                    .setBytes(a.bytes())
                    .setRank(a.rank())
                    .setTier(AdapterTier.valueOf(a.tier().name()))
                    .setLastUsedMs(a.lastUsedMs())
                    .setState(state(a.state()))
                    .setPinned(a.pinned())
                    .setError(a.failure())
                    .build());
        }
        long capacity = stats.deviceBudgetBytes();
        long used = stats.deviceBytes();
        return WorkerStatus.newBuilder()
                .setEventId(EventIds.fresh())
                .setPolicyId("")
                .setTime(Instant.now())
                .setWorkerId(config.workerId)
                .setRoles(config.roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList())
                .setBaseModel(runtime.baseModel())
                .setDevice(config.device)
                .setResidentAdapters(adapters)
                .setCapacityBytes(capacity)
                .setUsedBytes(used)
                .setQueueDepth(queueDepth.getAsInt())
                .setLoad(capacity == 0 ? 0 : Math.min(1.0, (double) used / capacity))
                .setInstanceId(intake.instance())
                .setWorkTopic(intake.workTopic())
                .setLeaving(leaving)
                .setQueueCapacity(intake.queueCapacity())
                .setCpuCapacityBytes(stats.cpuBudgetBytes())
                .setCpuUsedBytes(stats.cpuBytes())
                .setHeartbeatIntervalMs(config.heartbeatMs)
                .build();
    }

    /** The engine's lifecycle state as the event contract names it (ready in whichever tier its tier says). */
    private static AdapterState state(ai.mint.engine.AdapterState state) {
        return switch (state) {
            case QUEUED -> AdapterState.QUEUED;
            case LOADING -> AdapterState.LOADING;
            case READY_CPU, READY_DEVICE -> AdapterState.READY;
            case DRAINING -> AdapterState.DRAINING;
            case EVICTED -> AdapterState.EVICTED;
            case FAILED -> AdapterState.FAILED;
        };
    }

    private void beat() {
        try {
            outputs.send(Topics.WORKER_STATUS.name(), config.workerId, status(false));
        } catch (RuntimeException e) {
            LOG.warn("heartbeat not sent: {}", e.toString());
        }
    }

    /** Stops beating and publishes the last heartbeat, saying the worker leaves (waits until the broker has it). */
    public void leave() {
        close();
        try {
            outputs.sendAndWait(Topics.WORKER_STATUS.name(), config.workerId, status(true));
        } catch (RuntimeException e) {
            LOG.warn("last heartbeat not sent (the scheduler notices the silence instead): {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
