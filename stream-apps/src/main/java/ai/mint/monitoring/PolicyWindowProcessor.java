package ai.mint.monitoring;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.decode.TopicDecoders;
import ai.mint.events.Alert;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceResponse;
import ai.mint.events.Metric;
import ai.mint.events.PolicyView;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.streams.StreamDeadLetters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds inference responses, live reward metrics and dead letters into tumbling windows per policy (by each event's
 * own {@code time}), and closes each window once the task's {@link WindowClock} is past its end plus the grace: its
 * {@link PolicyView} and its {@link AlertRules alerts} are forwarded then, once. An event whose window has closed is
 * late: counted, not windowed.
 * Catalog entries give the policies' own reward thresholds ({@link GuardThreshold}).
 *
 * <p>A record that does not decode is dead-lettered, except a record of the dead-letter topic itself: dead-lettering
 * it would feed the dead-letter topic from itself; it is logged and skipped.
 */
final class PolicyWindowProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyWindowProcessor.class);

    private final String appName;
    private final SchemaRegistryClient registry;
    private final MonitorTopics topics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, PolicyWindow> windows;
    private KeyValueStore<String, Double> guards;
    private TopicDecoders decoders;
    private EventDecoder<DeadLetter> deadLetterDecoder;
    private EventDecoder<InferenceResponse> replyDecoder;
    private WindowSettings settings;
    private WindowClock clock;

    PolicyWindowProcessor(String appName, SchemaRegistryClient registry, MonitorTopics topics) {
        this.appName = appName;
        this.registry = registry;
        this.topics = topics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.windows = context.getStateStore(MonitorNodes.WINDOWS);
        this.guards = context.getStateStore(MonitorNodes.GUARDS);
        this.settings = WindowSettings.from(context.appConfigs());
        RetryPolicy retry = DecodeConfig.retryPolicy(context.appConfigs());
        this.decoders = new TopicDecoders(registry, Map.of(topics.responses(), InferenceResponse.class,
                topics.metrics(), Metric.class, topics.catalog(), CatalogEntry.class), retry);
        // a dead letter's key is its source record's key (DeadLetters.recordKey), which is what it is counted under
        this.deadLetterDecoder = new EventDecoder<>(new AvroEventDeserializer<>(registry, DeadLetter.class), null,
                retry);
        this.replyDecoder = EventDecoder.of(registry, InferenceResponse.class, retry);
        this.clock = new WindowClock(context.getStateStore(MonitorNodes.CLOCK), MonitorNodes.CLOSED_UP_TO,
                settings.sizeMs(), settings.graceMs());
        context.schedule(Duration.ofMillis(settings.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                wall -> closeDue(clock.now(wall)));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        String key = record.key() == null ? "" : record.key();
        if (topic.equals(topics.catalog())) {
            catalog(record, key);
            return;
        }
        boolean fromDeadLetters = topic.equals(topics.deadLetter());
        DecodeResult<? extends SpecificRecord> decoded = fromDeadLetters
                ? deadLetterDecoder.decode(topic, key, record.headers(), record.value())
                : topic.endsWith(MonitorNodes.REPLIES_TOPIC_SUFFIX)
                ? replyDecoder.decode(topic, key, record.headers(), record.value())
                : decoders.decode(topic, key, record.headers(), record.value());
        if (!decoded.ok()) {
            reject(record, topic, decoded.errorClass(), decoded.reason(), fromDeadLetters);
            return;
        }
        SpecificRecord event = decoded.event();
        long time = ((Instant) event.get(event.getSchema().getField("time").pos())).toEpochMilli();
        if (event instanceof InferenceResponse r) {
            fold(key, time, w -> w.addResponse(r.getError() != null, r.getLatencyMs(), r.getCompletionTokens().size()));
        } else if (event instanceof Metric m) {
            if (m.getName().equals(settings.rewardMetric()) && Double.isFinite(m.getValue())) {
                fold(key, time, w -> w.addReward(m.getValue()));
            }
        } else if (event instanceof DeadLetter d) {
            fold(key, time, w -> w.addDeadLetter(d.getErrorClass()));
        }
    }

    private void catalog(Record<String, byte[]> record, String key) {
        if (record.value() == null) {
            guards.delete(key); // a tombstone: the policy is gone
            return;
        }
        DecodeResult<SpecificRecord> decoded = decoders.decode(topics.catalog(), key, record.headers(),
                record.value());
        if (!decoded.ok()) {
            reject(record, topics.catalog(), decoded.errorClass(), decoded.reason(), false);
            return;
        }
        GuardThreshold.of((CatalogEntry) decoded.event(), settings.rewardMetric())
                .ifPresentOrElse(t -> guards.put(key, t), () -> guards.delete(key));
    }

    /** Adds one event to its policy's window, or counts it late; then closes what the clock has passed. */
    private void fold(String policy, long time, Consumer<PolicyWindow> add) {
        long wall = context.currentSystemTimeMs();
        boolean late = clock.isLate(time, wall);
        long windowStart;
        if (late) {
            windowStart = clock.startOf(clock.now(wall));
        } else {
            windowStart = clock.startOf(time);
            clock.observe(time, wall);
        }
        String key = WindowClock.key(windowStart, policy);
        PolicyWindow window = windows.get(key);
        if (window == null) {
            window = new PolicyWindow(policy, windowStart);
        }
        if (late) {
            window.lateEvents++;
        } else {
            add.accept(window);
        }
        windows.put(key, window);
        closeDue(clock.now(wall));
    }

    /** Closes every window whose end plus grace is at or before {@code now}: its view and alerts are forwarded. */
    private void closeDue(long now) {
        long closeBefore = clock.dueBefore(now);
        if (closeBefore < 0) {
            return;
        }
        List<KeyValue<String, PolicyWindow>> due = WindowClock.due(windows, closeBefore, w -> w.start);
        long wall = context.currentSystemTimeMs();
        for (KeyValue<String, PolicyWindow> entry : due) {
            PolicyView view = entry.value.view(settings.sizeMs(), wall);
            context.forward(new Record<>(view.getPolicyId(), (SpecificRecord) view, wall));
            for (Alert alert : AlertRules.of(view, settings.thresholds(), guards.get(view.getPolicyId()), wall)) {
                context.forward(new Record<>(alert.getPolicyId(), (SpecificRecord) alert, wall));
            }
            windows.delete(entry.key);
        }
        clock.closed(closeBefore);
    }

    private void reject(Record<String, byte[]> record, String topic, String errorClass, String reason,
                        boolean fromDeadLetters) {
        if (fromDeadLetters) {
            LOG.warn("skipping a record of {} that is no dead letter ({}: {}); it is not dead-lettered again", topic,
                    errorClass, reason);
            return;
        }
        DeadLetter letter = StreamDeadLetters.of(context, record.key(), record.value(), record.timestamp(), errorClass,
                reason, appName);
        context.forward(new Record<>(DeadLetters.recordKey(record.key()), (SpecificRecord) letter,
                record.timestamp()));
    }
}
