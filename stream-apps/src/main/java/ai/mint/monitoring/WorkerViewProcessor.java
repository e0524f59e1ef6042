package ai.mint.monitoring;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.ids.EventIds;
import ai.mint.events.AdapterState;
import ai.mint.events.AdapterTier;
import ai.mint.events.DeadLetter;
import ai.mint.events.ResidentAdapter;
import ai.mint.events.WorkerStatus;
import ai.mint.events.WorkerView;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.streams.StreamDeadLetters;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns worker heartbeats into {@link WorkerView}s: a worker's first heartbeat, its last (leaving) and then one at
 * most every {@code worker.view.interval.ms} of heartbeat time, so that the views topic is not a copy of the
 * heartbeats. A heartbeat that does not decode (or whose key is not its worker id) is dead-lettered.
 */
final class WorkerViewProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private final String appName;
    private final SchemaRegistryClient registry;
    private final String topic;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, WorkerFold> folds;
    private EventDecoder<WorkerStatus> decoder;
    private long intervalMs;

    WorkerViewProcessor(String appName, SchemaRegistryClient registry, String topic) {
        this.appName = appName;
        this.registry = registry;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.folds = context.getStateStore(MonitorNodes.WORKERS);
        this.decoder = new EventDecoder<>(new AvroEventDeserializer<>(registry, WorkerStatus.class), "worker_id",
                DecodeConfig.retryPolicy(context.appConfigs()));
        this.intervalMs = WindowSettings.from(context.appConfigs()).workerViewIntervalMs();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                folds.delete(record.key()); // a tombstone on the compacted heartbeats: the worker is forgotten
            }
            return;
        }
        DecodeResult<WorkerStatus> decoded = decoder.decode(topic, record.key(), record.headers(), record.value());
        if (!decoded.ok()) {
            DeadLetter letter = StreamDeadLetters.of(context, record.key(), record.value(), record.timestamp(),
                    decoded.errorClass(), decoded.reason(), appName);
            context.forward(new Record<>(DeadLetters.recordKey(record.key()), (SpecificRecord) letter,
                    record.timestamp()));
            return;
        }
        WorkerStatus status = decoded.event();
        WorkerFold fold = folds.get(status.getWorkerId());
        fold = fold == null ? WorkerFold.first() : fold;
        long time = status.getTime().toEpochMilli();
        long heartbeats = fold.heartbeats() + 1;
        boolean due = fold.lastViewAt() < 0 || time - fold.lastViewAt() >= intervalMs || status.getLeaving();
        if (!due) {
            folds.put(status.getWorkerId(), new WorkerFold(fold.lastViewAt(), heartbeats));
            return;
        }
        WorkerView view = view(status, heartbeats, context.currentSystemTimeMs());
        context.forward(new Record<>(status.getWorkerId(), (SpecificRecord) view, context.currentSystemTimeMs()));
        folds.put(status.getWorkerId(), new WorkerFold(time, 0));
    }

    static WorkerView view(WorkerStatus s, long heartbeats, long nowMs) {
        return WorkerView.newBuilder()
                .setEventId(EventIds.derived(s.getEventId(), "worker-view"))
                .setPolicyId("")
                .setTime(Instant.ofEpochMilli(nowMs))
                .setWorkerId(s.getWorkerId())
                .setInstanceId(s.getInstanceId())
                .setRoles(s.getRoles())
                .setDevice(s.getDevice())
                .setResidentAdapters(resident(s.getResidentAdapters()))
                .setQueueDepth(s.getQueueDepth())
                .setQueueCapacity(s.getQueueCapacity())
                .setLoad(s.getLoad())
                .setLastSeen(s.getTime())
                .setHeartbeats(heartbeats)
                .setLeaving(s.getLeaving())
                .build();
    }

    /** Adapters ready in memory (device or CPU tier), as POLICY@REVISION:TIER. */
    private static List<String> resident(List<ResidentAdapter> adapters) {
        return adapters.stream()
                .filter(a -> a.getState() == AdapterState.READY && a.getTier() != AdapterTier.STORAGE)
                .map(a -> a.getPolicyId() + "@" + a.getRevision() + ":" + a.getTier())
                .toList();
    }
}
