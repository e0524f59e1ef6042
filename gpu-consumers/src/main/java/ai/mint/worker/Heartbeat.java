package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.events.AdapterTier;
import ai.mint.events.ResidentAdapter;
import ai.mint.events.WorkerStatus;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the worker's status to the compacted worker-status topic at a fixed interval: roles, base model, device,
 * the adapters resident on the device and the work in hand. Schedulers read it to route adapter-packed work.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mint-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final WorkerOutputs outputs;
    private final WorkerConfig config;
    private final ModelRuntime runtime;
    private final IntSupplier queueDepth;

    public Heartbeat(WorkerOutputs outputs, WorkerConfig config, ModelRuntime runtime, IntSupplier queueDepth) {
        this.outputs = outputs;
        this.config = config;
        this.runtime = runtime;
        this.queueDepth = queueDepth;
    }

    public Heartbeat start() {
        timer.scheduleAtFixedRate(this::beat, 0, config.heartbeatMs, TimeUnit.MILLISECONDS);
        return this;
    }

    WorkerStatus status() {
        Set<String> resident = runtime.residentAdapters();
        long used = runtime.residentAdapterBytes();
        long now = System.currentTimeMillis();
        List<ResidentAdapter> adapters = resident.stream().sorted().map(id -> {
            int at = id.lastIndexOf('@');
            return ResidentAdapter.newBuilder()
                    .setPolicyId(at < 0 ? id : id.substring(0, at))
                    .setRevision(at < 0 ? "" : id.substring(at + 1))
                    .setBytes(resident.isEmpty() ? 0 : used / resident.size()) // the engine reports a total only
                    .setRank(0)
                    .setTier(AdapterTier.DEVICE)
                    .setLastUsedMs(now)
                    .build();
        }).toList();
        long capacity = runtime.adapterBudgetBytes();
        return WorkerStatus.newBuilder()
                .setEventId(EventIds.fresh())
                .setPolicyId("")
                .setTime(Instant.ofEpochMilli(now))
                .setWorkerId(config.workerId)
                .setRoles(config.roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList())
                .setBaseModel(runtime.baseModel())
                .setDevice(config.device)
                .setResidentAdapters(adapters)
                .setCapacityBytes(capacity)
                .setUsedBytes(used)
                .setQueueDepth(queueDepth.getAsInt())
                .setLoad(capacity == 0 ? 0 : (double) used / capacity)
                .build();
    }

    private void beat() {
        try {
            outputs.send(Topics.WORKER_STATUS.name(), config.workerId, status());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat not sent: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
