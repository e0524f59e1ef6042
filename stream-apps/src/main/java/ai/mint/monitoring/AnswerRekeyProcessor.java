package ai.mint.monitoring;

import ai.mint.common.decode.DecodeConfig;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.events.InferenceResponse;
import ai.mint.registry.SchemaRegistryClient;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Keys each inference response (keyed by policy) by the worker that answered it, value untouched, so that a
 * repartition brings a worker's answers to the task that owns its heartbeats. A response that does not decode is
 * dropped here: the policy fold reads the same record and dead-letters it; a registry outage is rethrown by the
 * decoder, as everywhere.
 */
final class AnswerRekeyProcessor implements Processor<String, byte[], String, byte[]> {

    private final SchemaRegistryClient registry;
    private ProcessorContext<String, byte[]> context;
    private EventDecoder<InferenceResponse> decoder;

    AnswerRekeyProcessor(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.decoder = EventDecoder.of(registry, InferenceResponse.class,
                DecodeConfig.retryPolicy(context.appConfigs()));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        DecodeResult<InferenceResponse> decoded = decoder.decode(topic, record.key(), record.headers(),
                record.value());
        if (decoded.ok()) {
            context.forward(record.withKey(decoded.event().getWorkerId()));
        }
    }
}
