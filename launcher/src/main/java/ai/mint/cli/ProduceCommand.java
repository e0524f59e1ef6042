package ai.mint.cli;

import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryException;
import ai.mint.serde.AvroSerdes;
import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.serde.json.JsonConversionException;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * {@code mint produce TOPIC}: JSON lines on stdin become Avro events (the topic's value record) in the Confluent wire
 * format, keyed by the policy id. A line that does not fit the schema is reported with its number and the field, and
 * is not sent; the others are.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Read JSON lines from stdin (one event per line, fields as in the topic's Avro value record), "
                + "write them to TOPIC as Avro in the Confluent wire format, keyed by policy_id.",
                "A line that does not fit the schema is reported (line number, field) and not sent. Exits 1 if any "
                        + "line was rejected."})
public final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "a platform topic, e.g. mint.rollout.requests")
    String topicName;

    @Option(names = "--key-field", paramLabel = "FIELD",
            description = "top-level field whose value is the record key (default: worker_id on mint.worker.status, "
                    + "adapter on mint.adapter.pins, policy_id elsewhere)")
    String keyField;

    @Override
    public Integer call() throws InterruptedException {
        TopicSpec topic = Topics.require(topicName);
        Schema schema = TopicTypes.valueSchema(topic);
        String key = keyField != null ? keyField : defaultKeyField(topic);
        if (schema.getField(key) == null) {
            throw new CliException("key field '" + key + "' is not a field of " + schema.getFullName(),
                    ExitCodes.USAGE);
        }
        PlatformConnection platform = connection.resolve();
        SchemaRegistryClient registry = platform.registry();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonAvroConverter json = new JsonAvroConverter();
        int rejected = 0;
        List<Future<?>> sends = new ArrayList<>();
        try (Serializer<GenericRecord> serializer = AvroSerdes.generic(registry).serializer();
             KafkaProducer<String, byte[]> producer = KafkaClients.of(platform).producer("mint-produce",
                     new StringSerializer(), new ByteArraySerializer());
             BufferedReader in = new BufferedReader(new InputStreamReader(MintCli.root(spec).stdin(),
                     StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                byte[] value;
                GenericRecord record;
                try {
                    record = json.fromJson(line, schema);
                    value = serializer.serialize(topic.name(), record);
                } catch (JsonConversionException | AvroRuntimeException e) {
                    err.println("line " + lineNumber + ": not sent: " + e.getMessage());
                    rejected++;
                    continue;
                } catch (SerializationException e) {
                    if (e.getCause() instanceof SchemaRegistryException registryFailure) {
                        throw registryFailure;
                    }
                    err.println("line " + lineNumber + ": not sent: " + e.getMessage());
                    rejected++;
                    continue;
                }
                Object keyValue = record.get(key);
                sends.add(producer.send(new ProducerRecord<>(topic.name(),
                        keyValue == null ? null : keyValue.toString(), value)));
            }
            producer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stdin", e);
        }
        int failed = 0;
        for (Future<?> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                failed++;
                err.println("send failed: " + e.getCause().getMessage());
            }
        }
        int sent = sends.size() - failed;
        err.println("produced " + sent + " event(s) to " + topic.name() + ", rejected " + rejected + " line(s)"
                + (failed > 0 ? ", " + failed + " send(s) failed" : ""));
        err.flush();
        out.flush();
        return rejected + failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    static String defaultKeyField(TopicSpec topic) {
        if (topic.equals(Topics.WORKER_STATUS)) {
            return "worker_id";
        }
        return topic.equals(Topics.ADAPTER_PINS) ? "adapter" : "policy_id";
    }
}
