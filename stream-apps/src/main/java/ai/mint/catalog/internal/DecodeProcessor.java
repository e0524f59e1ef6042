package ai.mint.catalog.internal;

import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes the raw records of one input topic. A record that does not decode goes to the dead-letter sink here, inside
 * the task's transaction: Kafka Streams 4.1's deserialization handlers can only skip or fail, not produce, so decoding
 * happens in the topology instead of at the source.
 *
 * @param <T> the event type of the topic
 */
public final class DecodeProcessor<T extends SpecificRecord> implements Processor<byte[], byte[], String, Object> {

    private final Deserializer<T> deserializer;
    private final String appName;
    private ProcessorContext<String, Object> context;

    public DecodeProcessor(Deserializer<T> deserializer, String appName) {
        this.deserializer = deserializer;
        this.appName = appName;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("?");
        if (record.value() == null) {
            reject(record, key, new Rejection(Kind.UNDESERIALIZABLE,
                    "record in " + topic + " has a null value; deleting policies by tombstone is not supported"));
            return;
        }
        T event;
        try {
            event = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (SchemaRegistryException e) {
            throw e; // the registry is down, not the record bad: fail the task so it retries, do not dead-letter
        } catch (RuntimeException e) {
            reject(record, key, new Rejection(Kind.UNDESERIALIZABLE, "record in " + topic + " does not decode: "
                    + e.getClass().getSimpleName() + ": " + rootMessage(e)));
            return;
        }
        context.forward(record.withKey(key).withValue((Object) new Decoded(event, record.key(), record.value())),
                CatalogNodes.LIFECYCLE);
    }

    private void reject(Record<byte[], byte[]> record, String key, Rejection rejection) {
        var letter = SourceDeadLetters.of(context, key, record.key(), record.value(), rejection, appName, record.timestamp());
        context.forward(record.withKey(key == null ? "" : key).withValue((Object) letter), CatalogNodes.SINK_DEAD_LETTER);
    }

    static String rootMessage(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            message.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return message.toString();
    }
}
