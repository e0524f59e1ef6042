package ai.mint.client.bulk;

import ai.mint.common.catalog.PolicySpecChecks;
import ai.mint.events.PolicySpec;
import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.serde.json.JsonConversionException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Registers policies in bulk: reads JSON lines (one policy spec each, fields as in the PolicySpec record;
 * {@code event_id} and {@code time} may be left out), checks each line as the catalog would, and publishes the good
 * ones to the policy-spec topic, keyed by policy id. A bad line is reported by number and field and not sent; a policy
 * id seen on an earlier line is reported as a duplicate and not sent (the first line wins); the rest go on.
 */
public final class PolicyImporter {

    /**
     * How an import went.
     *
     * @param lines      non-blank lines read
     * @param sent       specs the broker acknowledged
     * @param rejected   lines not sent because they were bad or duplicates
     * @param duplicates of those, the lines whose policy id an earlier line had
     * @param failed     specs sent but not acknowledged (broker errors)
     * @param elapsed    from the first line to the last acknowledgement
     */
    public record Summary(long lines, long sent, long rejected, long duplicates, long failed, Duration elapsed) {

        /** Acknowledged specs per second. */
        public double rate() {
            return sent / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        public boolean clean() {
            return rejected == 0 && failed == 0;
        }
    }

    /** Told how far the import is, after every line; it decides itself how often to show it. */
    @FunctionalInterface
    public interface Progress {
        void update(long lines, long charsRead, long sent);
    }

    private final ObjectMapper json = new ObjectMapper();
    private final JsonAvroConverter converter = new JsonAvroConverter();
    private final Producer<String, SpecificRecord> producer;
    private final String topic;
    private final PrintStream problems;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param producer where specs go (null checks the lines only)
     * @param topic    the policy-spec topic
     * @param problems where each bad line is reported
     */
    public PolicyImporter(Producer<String, SpecificRecord> producer, String topic, PrintStream problems) {
        this.producer = producer;
        this.topic = topic;
        this.problems = problems;
    }

    /** Imports every line of {@code in}; returns when every sent spec is acknowledged or failed. */
    public Summary run(BufferedReader in, Progress progress) {
        long start = System.nanoTime();
        SeenIds seen = new SeenIds();
        long lines = 0;
        long rejected = 0;
        long duplicates = 0;
        long chars = 0;
        int lineNumber = 0;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                chars += line.length() + 1;
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                Optional<PolicySpec> spec = parse(line, lineNumber);
                if (spec.isEmpty()) {
                    rejected++;
                } else {
                    int earlier = seen.add(spec.get().getPolicyId(), lineNumber);
                    if (earlier != 0) {
                        problems.println("line " + lineNumber + ": not sent: policy_id '" + spec.get().getPolicyId()
                                + "' is a duplicate of line " + earlier + " (the first one is sent)");
                        rejected++;
                        duplicates++;
                    } else if (producer != null) {
                        send(spec.get(), lineNumber);
                    } else {
                        acked.incrementAndGet();
                    }
                }
                progress.update(lines, chars, acked.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read line " + (lineNumber + 1) + ": " + e.getMessage(), e);
        }
        if (producer != null) {
            producer.flush();
        }
        progress.update(lines, chars, acked.get());
        return new Summary(lines, acked.get(), rejected, duplicates, failed.get(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The line's spec, or empty after reporting what is wrong with it. */
    private Optional<PolicySpec> parse(String line, int lineNumber) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            return reject(lineNumber, "<record>: not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            return reject(lineNumber, "<record>: expected a JSON object (one policy spec per line)");
        }
        if (!object.has("event_id")) {
            object.put("event_id", UUID.randomUUID().toString());
        }
        if (!object.has("time")) {
            object.put("time", Instant.now().toEpochMilli());
        }
        PolicySpec spec;
        try {
            spec = converter.fromJson(object, PolicySpec.class);
        } catch (JsonConversionException e) {
            return reject(lineNumber, e.getMessage());
        }
        Optional<String> problem = PolicySpecChecks.problem(spec);
        return problem.isPresent() ? reject(lineNumber, problem.get()) : Optional.of(spec);
    }

    private Optional<PolicySpec> reject(int lineNumber, String why) {
        problems.println("line " + lineNumber + ": not sent: " + why);
        return Optional.empty();
    }

    private void send(PolicySpec spec, int lineNumber) {
        producer.send(new ProducerRecord<>(topic, spec.getPolicyId(), spec), (metadata, error) -> {
            if (error == null) {
                acked.incrementAndGet();
            } else {
                failed.incrementAndGet();
                problems.println("line " + lineNumber + ": not acknowledged by Kafka: " + error.getMessage());
            }
        });
    }
}
