package ai.mint.streams;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output that cannot be written: one that can never be (too large, does not serialize) dead-letters the input
 * record that produced it and goes on, instead of failing the task again on every replay; a retriable send is
 * retried; anything else fails the task.
 */
public final class ClassifyingProductionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyingProductionHandler.class);
    private Map<String, ?> configs = Map.of();
    private DeadLetterSink sink;

    @Override
    public void configure(Map<String, ?> configs) {
        this.configs = configs;
        this.sink = StreamsErrors.sink(configs);
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        return switch (FailureKind.of(exception)) {
            case RETRIABLE -> ProductionExceptionHandlerResponse.RETRY;
            case RECORD -> deadLetter(context, record.topic(), exception);
            case INVARIANT -> ProductionExceptionHandlerResponse.FAIL;
        };
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
                                                                           ProducerRecord record, Exception exception,
                                                                           SerializationExceptionOrigin origin) {
        return FailureKind.of(exception) == FailureKind.RECORD ? deadLetter(context, record.topic(), exception)
                : ProductionExceptionHandlerResponse.FAIL;
    }

    private ProductionExceptionHandlerResponse deadLetter(ErrorHandlerContext context, String outputTopic,
                                                          Exception exception) {
        LOG.warn("output to {} of {} offset {} cannot be produced; dead-lettering the input: {}", outputTopic,
                context.topic(), context.offset(), exception.toString());
        sink.send(HandlerDeadLetters.of(context, configs, "its output to " + outputTopic + " cannot be produced",
                exception));
        return ProductionExceptionHandlerResponse.CONTINUE;
    }
}
