package ai.mint.catalog.internal;

import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.topics.Tenant;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes the raw records of one input topic through the project's {@link EventDecoder}. A record that is bad input
 * goes to the dead-letter sink here, inside the task's transaction: Kafka Streams 4.1's deserialization handlers can
 * only skip or fail, not produce, so decoding happens in the topology instead of at the source. A registry outage is
 * retried in place and, if it lasts, fails the task (which resumes from its last commit): valid input is never
 * dead-lettered for it. A record on a tenant's topic ({@link Tenant}) whose policy is not that tenant's is refused
 * here too ({@code FOREIGN_POLICY}): the decoder has checked that the key is the event's policy id.
 *
 * @param <T> the event type of the topic
 */
public final class DecodeProcessor<T extends SpecificRecord> implements Processor<byte[], byte[], String, Object> {

    private final Deserializer<T> deserializer;
    private final String appName;
    private ProcessorContext<String, Object> context;
    private EventDecoder<T> decoder;

    public DecodeProcessor(Deserializer<T> deserializer, String appName) {
        this.deserializer = deserializer;
        this.appName = appName;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.decoder = new EventDecoder<>(deserializer, EventDecoder.POLICY_ID,
                DecodeConfig.retryPolicy(context.appConfigs()));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("?");
        DecodeResult<T> result = decoder.decode(topic, key, record.headers(), record.value());
        if (!result.ok()) {
            Kind kind = DecodeResult.KEY_MISMATCH.equals(result.errorClass()) ? Kind.KEY_MISMATCH : Kind.UNDESERIALIZABLE;
            var letter = SourceDeadLetters.of(context, key, record.key(), record.value(),
                    new Rejection(kind, result.reason()), appName, record.timestamp());
            context.forward(record.withKey(DeadLetters.recordKey(key)).withValue((Object) letter),
                    CatalogNodes.SINK_DEAD_LETTER);
            return;
        }
        Optional<Tenant> tenant = Tenant.ofTopic(topic);
        if (tenant.isPresent() && !tenant.get().ownsPolicy(key)) {
            // the broker lets a tenant write only its own topics; which policies a record names is ours to check
            var letter = SourceDeadLetters.of(context, key, record.key(), record.value(),
                    new Rejection(Kind.FOREIGN_POLICY, "tenant " + tenant.get() + " wrote policy '" + key + "' on "
                            + topic + "; a tenant's policies are " + tenant.get().policyPrefix() + "*"),
                    appName, record.timestamp());
            context.forward(record.withKey(DeadLetters.recordKey(key)).withValue((Object) letter),
                    CatalogNodes.SINK_DEAD_LETTER);
            return;
        }
        context.forward(record.withKey(key).withValue((Object) new Decoded(result.event(), record.key(), record.value())),
                CatalogNodes.LIFECYCLE);
    }

    /** {@link ai.mint.common.decode.Failures#describe}, for the catalog's processing errors. */
    static String rootMessage(Throwable e) {
        return ai.mint.common.decode.Failures.describe(e);
    }
}
