package ai.mint.cli;

import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.RegistryUnavailableException;
import ai.mint.registry.SchemaRegistryException;
import ai.mint.serde.AvroSerdes;
import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code mint consume TOPIC}: prints the topic's Avro events as JSON lines (one per event, the format
 * {@code mint produce} reads). An event that cannot be decoded is reported on stderr with its partition and offset,
 * and reading goes on.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print TOPIC's events as JSON lines on stdout. Without --follow it reads what is there and "
                + "exits; with --follow it waits for new events until Ctrl-C.",
                "Start: --offset N (each partition), else --from-beginning, else the beginning (one-shot) or the "
                        + "end (--follow). Undecodable events are reported on stderr with partition and offset, and "
                        + "skipped (exit 1 at the end)."})
public final class ConsumeCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(500);

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "a platform topic, e.g. mint.rollout.results")
    String topicName;

    @Option(names = "--from-beginning", description = "start at the earliest event (also with --follow)")
    boolean fromBeginning;

    @Option(names = "--offset", paramLabel = "N", description = "start at offset N in each partition")
    Long offset;

    @Option(names = "--partition", paramLabel = "P", description = "read only partition P")
    Integer partition;

    @Option(names = "--follow", description = "keep waiting for new events until Ctrl-C")
    boolean follow;

    @Option(names = "--max-messages", paramLabel = "N", description = "stop after N events")
    Long maxMessages;

    @Override
    public Integer call() {
        TopicSpec topic = Topics.require(topicName);
        PlatformConnection platform = connection.resolve();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonAvroConverter json = new JsonAvroConverter();
        long printed = 0;
        long undecodable = 0;
        CountDownLatch closed = new CountDownLatch(1);
        try (Deserializer<GenericRecord> deserializer = AvroSerdes.generic(platform.registry()).deserializer();
             KafkaConsumer<String, byte[]> consumer = KafkaClients.of(platform).consumer("mint-consume",
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = assign(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Thread wakeOnExit = new Thread(() -> {
                consumer.wakeup();
                awaitQuietly(closed);
            }, "mint-consume-stop");
            if (follow) {
                Runtime.getRuntime().addShutdownHook(wakeOnExit);
            }
            try {
                while (!reachedLimit(printed) && (follow || !atEnd(consumer, end))) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        if (reachedLimit(printed)) {
                            break;
                        }
                        if (record.value() == null) {
                            err.println("partition " + record.partition() + " offset " + record.offset()
                                    + ": tombstone for key " + record.key() + " (no event)");
                            continue;
                        }
                        String line = decode(deserializer, json, record, err);
                        if (line == null) {
                            undecodable++;
                        } else {
                            out.println(line);
                            printed++;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException e) {
                // Ctrl-C while following: leave quietly
            } finally {
                if (follow) {
                    removeHookQuietly(wakeOnExit);
                }
            }
            out.flush();
            err.println("consumed " + printed + " event(s) from " + topic.name()
                    + (undecodable > 0 ? ", skipped " + undecodable + " undecodable" : ""));
            err.flush();
        } finally {
            // only now may a Ctrl-C let the JVM exit: the summary above has been written
            closed.countDown();
        }
        return undecodable == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private List<TopicPartition> assign(KafkaConsumer<String, byte[]> consumer, TopicSpec topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            throw new CliException("topic " + topic.name() + " does not exist on the cluster: run ./mint topics",
                    ExitCodes.FAILED);
        }
        List<TopicPartition> partitions = infos.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .filter(tp -> partition == null || tp.partition() == partition)
                .toList();
        if (partitions.isEmpty()) {
            throw new CliException("topic " + topic.name() + " has no partition " + partition + " (it has "
                    + infos.size() + ")", ExitCodes.USAGE);
        }
        consumer.assign(partitions);
        if (offset != null) {
            partitions.forEach(tp -> consumer.seek(tp, offset));
        } else if (fromBeginning || !follow) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        return partitions;
    }

    /** The event as a JSON line, or null after reporting on stderr why it cannot be decoded. */
    private static String decode(Deserializer<GenericRecord> deserializer, JsonAvroConverter json,
                                 ConsumerRecord<String, byte[]> record, PrintWriter err) {
        String where = "partition " + record.partition() + " offset " + record.offset();
        try {
            return json.toJson(deserializer.deserialize(record.topic(), record.value()));
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (SerializationException | SchemaRegistryException e) {
            err.println(where + ": skipped: " + e.getMessage());
            return null;
        }
    }

    private boolean reachedLimit(long printed) {
        return maxMessages != null && printed >= maxMessages;
    }

    private static boolean atEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHookQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook is what woke us up
        }
    }
}
