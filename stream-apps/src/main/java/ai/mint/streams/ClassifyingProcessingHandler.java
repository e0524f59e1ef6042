package ai.mint.streams;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure that escaped a processor: a record-level one dead-letters the input record and goes on; a retriable or
 * invariant one fails the task and reaches the uncaught handler ({@link StreamsErrors#uncaughtHandler}).
 */
public final class ClassifyingProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyingProcessingHandler.class);
    private Map<String, ?> configs = Map.of();
    private DeadLetterSink sink;

    @Override
    public void configure(Map<String, ?> configs) {
        this.configs = configs;
        this.sink = StreamsErrors.sink(configs);
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (FailureKind.of(exception) != FailureKind.RECORD) {
            return ProcessingHandlerResponse.FAIL;
        }
        LOG.warn("dead-lettering {} offset {} (processor {}): {}", context.topic(), context.offset(),
                context.processorNodeId(), exception.toString());
        sink.send(HandlerDeadLetters.of(context, configs, "processor " + context.processorNodeId() + " failed",
                exception));
        return ProcessingHandlerResponse.CONTINUE;
    }
}
