package ai.mint.cli;

import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroSerdes;
import ai.mint.serde.WireFormat;
import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * {@code mint smoke}: a quick check of the event path. Starts the embedded platform in a fresh directory,
 * writes a sample event to each lifecycle topic (the work item and the result of rollout, update, export, eval, serve
 * and rollback), reads each back through the registry, prints it, and stops everything.
 */
@Command(name = "smoke", mixinStandardHelpOptions = true,
        description = "Start the embedded platform in a temporary directory, produce a sample event to each "
                + "lifecycle topic, read each back (decoded through the schema registry), print them, stop.")
public final class SmokeCommand implements Callable<Integer> {

    /** The lifecycle stages' request and result topics, in the order a revision goes through them. */
    static final List<TopicSpec> LIFECYCLE_TOPICS = List.of(
            Topics.ROLLOUT_REQUESTS, Topics.ROLLOUT_RESULTS, Topics.UPDATE_REQUESTS, Topics.UPDATE_RESULTS,
            Topics.EXPORT_REQUESTS, Topics.EXPORT_RESULTS, Topics.EVAL_REQUESTS, Topics.EVAL_RESULTS,
            Topics.SERVE_REQUESTS, Topics.SERVE_RESULTS, Topics.ROLLBACK_REQUESTS, Topics.ROLLBACK_RESULTS);
    private static final String POLICY = "smoke-policy";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--keep-data", description = "keep the temporary data directory (its path is printed)")
    boolean keepData;

    @Override
    public Integer call() throws IOException, InterruptedException, ExecutionException {
        PrintWriter out = spec.commandLine().getOut();
        Path dataDir = Files.createTempDirectory("mint-smoke-");
        int mismatches;
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(dataDir))) {
            out.print(ConnectionFile.addressLines(platform.connection()));
            out.println("topics: " + platform.provisioning().topics().size() + " provisioned");
            out.flush();
            SchemaRegistryClient registry = platform.connection().registry();
            KafkaClients clients = KafkaClients.of(platform.connection());
            Map<String, SpecificRecord> sent = produceSamples(clients, registry);
            mismatches = readBack(clients, registry, sent, out);
        } finally {
            if (keepData) {
                out.println("data kept in " + dataDir);
            } else {
                deleteTree(dataDir);
            }
        }
        out.println(mismatches == 0
                ? "smoke OK: " + LIFECYCLE_TOPICS.size() + " events produced, read back and decoded; platform stopped"
                : "smoke FAILED: " + mismatches + " event(s) did not come back as sent");
        out.flush();
        return mismatches == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static Map<String, SpecificRecord> produceSamples(KafkaClients clients, SchemaRegistryClient registry)
            throws InterruptedException, ExecutionException {
        Map<String, SpecificRecord> sent = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = clients.producer("mint-smoke", new StringSerializer(),
                new ByteArraySerializer())) {
            for (TopicSpec topic : LIFECYCLE_TOPICS) {
                SpecificRecord event = SmokeSamples.sample(topic);
                byte[] value = serialize(TopicTypes.valueClass(topic), event, topic.name(), registry);
                producer.send(new ProducerRecord<>(topic.name(), POLICY, value)).get();
                sent.put(topic.name(), event);
            }
        }
        return sent;
    }

    /** Reads one event per topic, prints it and counts those that do not decode back to what was sent. */
    private static int readBack(KafkaClients clients, SchemaRegistryClient registry, Map<String, SpecificRecord> sent,
                                PrintWriter out) {
        Map<String, ConsumerRecord<String, byte[]>> received = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer("mint-smoke", new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = LIFECYCLE_TOPICS.stream()
                    .flatMap(t -> consumer.partitionsFor(t.name()).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.putIfAbsent(r.topic(), r));
            }
        }
        JsonAvroConverter json = new JsonAvroConverter();
        Deserializer<GenericRecord> generic = AvroSerdes.generic(registry).deserializer();
        int mismatches = 0;
        for (TopicSpec topic : LIFECYCLE_TOPICS) {
            ConsumerRecord<String, byte[]> record = received.get(topic.name());
            if (record == null) {
                out.println(topic.name() + ": nothing read back within " + READ_TIMEOUT.toSeconds() + " s");
                mismatches++;
                continue;
            }
            Object decoded = AvroSerdes.specific(TopicTypes.valueClass(topic), registry).deserializer()
                    .deserialize(topic.name(), record.value());
            boolean same = decoded.equals(sent.get(topic.name()));
            mismatches += same ? 0 : 1;
            out.printf("%-24s key=%s partition=%d offset=%d schema-id=%d %s%n  %s%n", topic.name(), record.key(),
                    record.partition(), record.offset(), WireFormat.schemaId(topic.name(), record.value()),
                    same ? "(decoded = sent)" : "(DIFFERS from what was sent)",
                    json.toJson(generic.deserialize(topic.name(), record.value())));
        }
        return mismatches;
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] serialize(Class<T> type, SpecificRecord event, String topic,
                                                               SchemaRegistryClient registry) {
        return AvroSerdes.specific(type, registry).serializer().serialize(topic, (T) event);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
