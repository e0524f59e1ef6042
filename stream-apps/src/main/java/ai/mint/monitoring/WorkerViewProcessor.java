package ai.mint.monitoring;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.ids.EventIds;
import ai.mint.events.AdapterState;
import ai.mint.events.AdapterTier;
import ai.mint.events.Alert;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceResponse;
import ai.mint.events.ResidentAdapter;
import ai.mint.events.WorkerStatus;
import ai.mint.events.WorkerView;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.streams.StreamDeadLetters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns worker heartbeats and the workers' answers (inference responses repartitioned by worker id, so that one task
 * holds a worker's heartbeats and answers) into {@link WorkerView}s.
 *
 * <p>Heartbeats make a view at a worker's first heartbeat, its last (leaving) and then at most one every
 * {@code worker.view.interval.ms} of heartbeat time. Answers are folded per worker into tumbling windows on the
 * task's {@link WindowClock}; a closed window with answers makes a view at once. Every view carries the latest closed
 * window's figures (zero when the worker answered nothing in it). A worker that sent heartbeats and then none for
 * {@code alert.worker.silent.windows} windows, without saying it was leaving, raises one {@code WORKER_SILENT} alert
 * until it beats again. A record that does not decode (or whose key is not its worker id) is dead-lettered.
 */
final class WorkerViewProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private final String appName;
    private final SchemaRegistryClient registry;
    private final String heartbeatTopic;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, WorkerFold> folds;
    private KeyValueStore<String, WorkerWindow> windows;
    private EventDecoder<WorkerStatus> heartbeats;
    private EventDecoder<InferenceResponse> answers;
    private WindowSettings settings;
    private WindowClock clock;

    WorkerViewProcessor(String appName, SchemaRegistryClient registry, String heartbeatTopic) {
        this.appName = appName;
        this.registry = registry;
        this.heartbeatTopic = heartbeatTopic;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.folds = context.getStateStore(MonitorNodes.WORKERS);
        this.windows = context.getStateStore(MonitorNodes.WORKER_WINDOWS);
        RetryPolicy retry = DecodeConfig.retryPolicy(context.appConfigs());
        this.heartbeats = new EventDecoder<>(new AvroEventDeserializer<>(registry, WorkerStatus.class), "worker_id",
                retry);
        this.answers = new EventDecoder<>(new AvroEventDeserializer<>(registry, InferenceResponse.class), "worker_id",
                retry);
        this.settings = WindowSettings.from(context.appConfigs());
        this.clock = new WindowClock(context.getStateStore(MonitorNodes.WORKER_CLOCK), MonitorNodes.CLOSED_UP_TO,
                settings.sizeMs(), settings.graceMs());
        context.schedule(Duration.ofMillis(settings.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                wall -> closeDue(clock.now(wall)));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        if (topic.endsWith(MonitorNodes.WORKER_ANSWERS_TOPIC_SUFFIX)) {
            answer(record, topic);
        } else {
            heartbeat(record);
        }
        closeDue(clock.now(context.currentSystemTimeMs()));
    }

    private void heartbeat(Record<String, byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                folds.delete(record.key()); // a tombstone on the compacted heartbeats: the worker is forgotten
            }
            return;
        }
        DecodeResult<WorkerStatus> decoded = heartbeats.decode(heartbeatTopic, record.key(), record.headers(),
                record.value());
        if (!decoded.ok()) {
            reject(record, decoded);
            return;
        }
        WorkerStatus status = decoded.event();
        long time = status.getTime().toEpochMilli();
        long wall = context.currentSystemTimeMs();
        if (!clock.isLate(time, wall)) {
            clock.observe(time, wall); // heartbeats move the clock too: a silence is measured by event time
        }
        WorkerFold fold = folds.get(status.getWorkerId());
        fold = fold == null ? WorkerFold.first() : fold;
        long count = fold.heartbeats() + 1;
        boolean due = fold.lastViewAt() < 0 || time - fold.lastViewAt() >= settings.workerViewIntervalMs()
                || status.getLeaving();
        if (!due) {
            folds.put(status.getWorkerId(), fold.withHeartbeat(fold.lastViewAt(), count, record.value(), time,
                    status.getLeaving()));
            return;
        }
        forward(view(status, count, fold.lastWindow(), settings.sizeMs(), wall));
        folds.put(status.getWorkerId(), fold.withHeartbeat(time, 0, record.value(), time, status.getLeaving()));
    }

    private void answer(Record<String, byte[]> record, String topic) {
        DecodeResult<InferenceResponse> decoded = answers.decode(topic, record.key(), record.headers(),
                record.value());
        if (!decoded.ok()) {
            reject(record, decoded);
            return;
        }
        InferenceResponse r = decoded.event();
        long time = r.getTime().toEpochMilli();
        long wall = context.currentSystemTimeMs();
        boolean late = clock.isLate(time, wall);
        long start = clock.startOf(late ? clock.now(wall) : time);
        if (!late) {
            clock.observe(time, wall);
        }
        String key = WindowClock.key(start, r.getWorkerId());
        WorkerWindow window = windows.get(key);
        window = window == null ? new WorkerWindow(r.getWorkerId(), start) : window;
        if (late) {
            window.lateEvents++;
        } else {
            window.addAnswer(r.getError() != null, r.getLatencyMs(), r.getCompletionTokens().size());
        }
        windows.put(key, window);
    }

    /**
     * Closes the windows the clock has passed: each worker's closed window with answers makes a view; then every
     * worker's latest window is the newest closed one (empty if it answered nothing), and silences are checked.
     */
    private void closeDue(long now) {
        long closeBefore = clock.dueBefore(now);
        if (closeBefore < 0) {
            return;
        }
        List<KeyValue<String, WorkerWindow>> due = WindowClock.due(windows, closeBefore, w -> w.start);
        long wall = context.currentSystemTimeMs();
        for (KeyValue<String, WorkerWindow> entry : due) { // oldest first: a worker keeps its newest
            WorkerWindow window = entry.value;
            WorkerFold fold = folds.get(window.worker);
            fold = (fold == null ? WorkerFold.first() : fold).withWindow(window);
            folds.put(window.worker, fold);
            windows.delete(entry.key);
            if (fold.heartbeat() != null) { // a view needs the worker's heartbeat; the next one carries the figures
                forward(view(decodeHeld(window.worker, fold), fold.heartbeats(), window, settings.sizeMs(), wall));
            }
        }
        long newest = closeBefore - clock.sizeMs();
        long silenceMs = settings.workerSilentWindows() * clock.sizeMs();
        List<KeyValue<String, WorkerFold>> changed = new ArrayList<>();
        try (KeyValueIterator<String, WorkerFold> it = folds.all()) {
            while (it.hasNext()) {
                KeyValue<String, WorkerFold> next = it.next();
                WorkerFold fold = next.value;
                if (fold.lastWindow() == null || fold.lastWindow().start < newest) {
                    fold = fold.withWindow(new WorkerWindow(next.key, newest));
                }
                if (silenceMs > 0 && fold.silentPast(now, silenceMs)) {
                    forward(SilentWorkers.alert(decodeHeld(next.key, fold), now - fold.heartbeatAt(), silenceMs,
                            closeBefore, wall));
                    fold = fold.alerted();
                }
                if (fold != next.value) {
                    changed.add(KeyValue.pair(next.key, fold));
                }
            }
        }
        changed.forEach(kv -> folds.put(kv.key, kv.value));
        clock.closed(closeBefore);
    }

    /** The heartbeat a fold holds; it decoded when it was read, so a failure now is a broken invariant. */
    private WorkerStatus decodeHeld(String worker, WorkerFold fold) {
        DecodeResult<WorkerStatus> decoded = heartbeats.decode(heartbeatTopic, worker, fold.heartbeat());
        if (!decoded.ok()) {
            throw new IllegalStateException("the stored heartbeat of worker " + worker + " no longer decodes: "
                    + decoded.reason());
        }
        return decoded.event();
    }

    private void forward(SpecificRecord out) {
        String key = out instanceof Alert a ? a.getPolicyId() : ((WorkerView) out).getWorkerId();
        context.forward(new Record<>(key, out, context.currentSystemTimeMs()));
    }

    private void reject(Record<String, byte[]> record, DecodeResult<?> decoded) {
        DeadLetter letter = StreamDeadLetters.of(context, record.key(), record.value(), record.timestamp(),
                decoded.errorClass(), decoded.reason(), appName);
        context.forward(new Record<>(DeadLetters.recordKey(record.key()), (SpecificRecord) letter,
                record.timestamp()));
    }

    /**
     * A worker's view: its heartbeat and the figures of {@code window} (none before the first window closed).
     *
     * @param heartbeats heartbeats folded since the previous heartbeat view
     */
    static WorkerView view(WorkerStatus s, long heartbeats, WorkerWindow window, long sizeMs, long nowMs) {
        String subject = window == null ? s.getEventId() : s.getEventId() + "@" + window.start;
        WorkerView.Builder view = WorkerView.newBuilder()
                .setEventId(EventIds.derived(subject, "worker-view"))
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
                .setLeaving(s.getLeaving());
        return window == null ? view.build() : window.figures(view, sizeMs).build();
    }

    /** Adapters ready in memory (device or CPU tier), as POLICY@REVISION:TIER. */
    private static List<String> resident(List<ResidentAdapter> adapters) {
        return adapters.stream()
                .filter(a -> a.getState() == AdapterState.READY && a.getTier() != AdapterTier.STORAGE)
                .map(a -> a.getPolicyId() + "@" + a.getRevision() + ":" + a.getTier())
                .toList();
    }
}
