package ai.mint.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.events.DeadLetter;
import ai.mint.registry.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class StreamsErrorsTest {

    private final List<DeadLetter> sent = new CopyOnWriteArrayList<>();

    @Test
    void shouldFailOnARecordWhoseOutputCanNeverBeProducedWithoutTheHandlers() {
        // what every app did before: the default handlers fail the task, the replaced thread meets the record again
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(false))) {
            assertThatThrownBy(() -> input(driver).pipeInput("p", "unwritable")).isInstanceOf(StreamsException.class);
        }
    }

    @Test
    void shouldDeadLetterARecordWhoseOutputCanNeverBeProducedAndGoOn() {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(true))) {
            TestInputTopic<String, String> in = input(driver);
            in.pipeInput("p", "a");
            in.pipeInput("p", "unwritable");
            in.pipeInput("p", "b");

            assertThat(driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer())
                    .readValuesToList()).containsExactly("A", "B");
            assertThat(sent).hasSize(1);
            DeadLetter letter = sent.get(0);
            assertThat(letter.getSourceTopic()).isEqualTo("in");
            assertThat(letter.getSourceOffset()).isEqualTo(1L);
            assertThat(letter.getPolicyId()).isEqualTo("p");
            assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).isEqualTo("unwritable");
            assertThat(letter.getErrorClass()).isEqualTo(SerializationException.class.getName());
            assertThat(letter.getReason()).contains("its output to out cannot be produced").contains("too big to write");
            assertThat(letter.getApp()).isEqualTo("errors-test");
        }
    }

    @Test
    void shouldDeadLetterARecordItsProcessorRefusesAndFailOnABrokenInvariant() {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(true))) {
            TestInputTopic<String, String> in = input(driver);
            in.pipeInput("p", "refused");
            in.pipeInput("p", "c");
            assertThat(sent).extracting(DeadLetter::getErrorClass).containsExactly(IllegalArgumentException.class.getName());
            assertThat(sent.get(0).getReason()).contains("processor upper failed").contains("no refused values");

            assertThatThrownBy(() -> in.pipeInput("p", "corrupt")).isInstanceOf(StreamsException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class);
            assertThat(sent).hasSize(1);
        }
    }

    @Test
    void shouldClassifyFailuresOverTheirCauseChain() {
        assertThat(FailureKind.of(new StreamsException(new TimeoutException("broker")))).isEqualTo(FailureKind.RETRIABLE);
        assertThat(FailureKind.of(new StreamsException(new RegistryUnavailableException("http://registry", "down", null))))
                .isEqualTo(FailureKind.RETRIABLE);
        assertThat(FailureKind.of(new StreamsException(new org.apache.kafka.common.errors.RecordTooLargeException("x"))))
                .isEqualTo(FailureKind.RECORD);
        assertThat(FailureKind.of(new StreamsException(new IllegalStateException("store corrupt"))))
                .isEqualTo(FailureKind.INVARIANT);
    }

    @Test
    void shouldReplaceAThreadAfterARetriableFailureAndStopOnABrokenInvariant() {
        StreamsUncaughtExceptionHandler handler = StreamsErrors.uncaughtHandler("test", 1, 4);
        assertThat(handler.handle(new StreamsException(new TimeoutException("broker down"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(handler.handle(new StreamsException(new IllegalStateException("loop state lost its policy"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldInstallTheHandlersInEveryAppsBaseSettings() {
        Properties props = StreamsDefaults.base(PlatformConnection.of("127.0.0.1:1", "http://127.0.0.1:1"), "app",
                Path.of("/tmp/unused"), 1);
        assertThat(props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(ClassifyingProcessingHandler.class);
        assertThat(props.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(ClassifyingProductionHandler.class);
        assertThat(props.get(StreamsErrors.DEAD_LETTER_SINK)).isInstanceOf(ProducerDeadLetterSink.class);
        assertThat(ProductionExceptionHandler.class).isAssignableFrom(ClassifyingProductionHandler.class);
    }

    /** in -> upper (refuses "refused", breaks on "corrupt") -> out, whose serializer cannot write "UNWRITABLE". */
    private static Topology topology() {
        Serializer<String> picky = (topic, value) -> {
            if ("UNWRITABLE".equals(value)) {
                throw new SerializationException("value too big to write");
            }
            return value.getBytes(StandardCharsets.UTF_8);
        };
        Topology topology = new Topology();
        topology.addSource("in-source", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("upper", () -> new Processor<String, String, String, String>() {
            private ProcessorContext<String, String> context;

            @Override
            public void init(ProcessorContext<String, String> context) {
                this.context = context;
            }

            @Override
            public void process(Record<String, String> record) {
                if ("refused".equals(record.value())) {
                    throw new IllegalArgumentException("no refused values");
                }
                if ("corrupt".equals(record.value())) {
                    throw new IllegalStateException("the store lost its own record");
                }
                context.forward(record.withValue(record.value().toUpperCase(java.util.Locale.ROOT)));
            }
        }, "in-source");
        topology.addSink("out-sink", "out", new StringSerializer(), picky, "upper");
        return topology;
    }

    private Properties props(boolean handlers) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "errors-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        if (handlers) {
            StreamsErrors.install(props, sent::add);
        }
        return props;
    }

    private static TestInputTopic<String, String> input(TopologyTestDriver driver) {
        return driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
    }
}
