package ai.mint.common.decode;

import ai.mint.registry.SchemaRegistryClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One {@link EventDecoder} per input topic, for a processor that reads several topics of different event types
 * (the orchestrator, a worker's lifecycle roles). Every topic's events are keyed by policy id.
 */
public final class TopicDecoders {

    private final Map<String, EventDecoder<? extends SpecificRecord>> byTopic = new LinkedHashMap<>();

    /** Decoders of each topic's event type, read through {@code registry}. */
    public TopicDecoders(SchemaRegistryClient registry, Map<String, Class<? extends SpecificRecord>> types,
                         RetryPolicy retry) {
        types.forEach((topic, type) -> byTopic.put(topic, EventDecoder.of(registry, type, retry)));
    }

    public Set<String> topics() {
        return byTopic.keySet();
    }

    public DecodeResult<SpecificRecord> decode(String topic, String key, byte[] value) {
        return decode(topic, key, new RecordHeaders(), value);
    }

    /**
     * Decodes a record of one of the topics.
     *
     * @throws IllegalArgumentException       for a topic these decoders do not read (a wiring mistake)
     * @throws RetriableDecodeException when the registry kept failing for the whole retry timeout
     */
    @SuppressWarnings("unchecked") // results are immutable, so a result of a subtype is one of SpecificRecord
    public DecodeResult<SpecificRecord> decode(String topic, String key, Headers headers, byte[] value) {
        EventDecoder<? extends SpecificRecord> decoder = byTopic.get(topic);
        if (decoder == null) {
            throw new IllegalArgumentException("no decoder for topic " + topic + "; these read " + byTopic.keySet());
        }
        return (DecodeResult<SpecificRecord>) decoder.decode(topic, key, headers, value);
    }
}
