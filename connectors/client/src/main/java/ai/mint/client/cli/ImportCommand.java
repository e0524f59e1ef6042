package ai.mint.client.cli;

import ai.mint.client.MintClientException;
import ai.mint.client.bulk.PolicyImporter;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mint policy import FILE}: registers policies in bulk from JSON lines. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Register policies in bulk: one policy spec per line as JSON (fields as in the PolicySpec "
                + "record; event_id and time may be left out), sent to " + "mint.policy.specs.",
                "Each bad line is reported by number and field and not sent; a policy id already on an earlier line "
                        + "is reported as a duplicate. Ends with a summary; exits 1 if any line was not sent."})
final class ImportCommand implements Callable<Integer> {

    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "FILE", description = "JSON lines file, or - for standard input.")
    String file;

    @Option(names = "--dry-run", description = "Check every line, send nothing.")
    boolean dryRun;

    /** Producer settings for throughput: large compressed batches, idempotent so a retry never doubles a spec. */
    static Map<String, Object> producerOverrides() {
        return Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    }

    private Producer<String, SpecificRecord> producer() {
        PlatformConnection platform = client.platform();
        return KafkaClients.of(platform).producer("mint-policy-import", new StringSerializer(),
                new AvroEventSerializer<>(platform.registry()), producerOverrides());
    }

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        boolean stdin = file.equals("-");
        long size = stdin ? 0 : Files.size(Path.of(file));
        try (BufferedReader in = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
             Producer<String, SpecificRecord> producer = dryRun ? null : producer()) {
            ProgressBar bar = new ProgressBar(err, size, System.console() != null);
            PolicyImporter.Summary summary = new PolicyImporter(producer, Topics.POLICY_SPECS.name(), err)
                    .run(in, bar);
            bar.finish(summary.lines(), size, summary.sent());
            err.println(summaryLine(stdin ? "stdin" : file, summary, dryRun));
                return summary.clean() ? 0 : 1;
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new MintClientException("cannot send to Kafka: " + e.getMessage(), e);
        }
    }

    static String summaryLine(String source, PolicyImporter.Summary s, boolean dryRun) {
        return String.format(Locale.ROOT, "%s %s: %s %,d, rejected %,d (%,d of them duplicates), failed %,d, in %.1f s "
                        + "(%,.0f policies/s)", dryRun ? "checked" : "imported", source, dryRun ? "valid" : "sent",
                s.sent(), s.rejected(), s.duplicates(), s.failed(), s.elapsed().toMillis() / 1000.0, s.rate());
    }
}
