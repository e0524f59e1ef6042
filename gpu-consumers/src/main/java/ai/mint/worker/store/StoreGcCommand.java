package ai.mint.worker.store;

import ai.mint.common.catalog.RemovalPlan;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.cli.MintSubcommand;
import ai.mint.events.RevisionRetired;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.topics.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint store gc}: removes the stored files of revisions the catalog retired, once their grace period has
 * passed. Reads every notice on {@code mint.catalog.retirements}; with {@code --catalog-url} it asks the catalog again
 * that each revision is still retired before removing anything.
 */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Maintain the adapter store.",
        subcommands = StoreGcCommand.Gc.class)
public final class StoreGcCommand implements MintSubcommand {

    /** {@code mint store gc --store DIR}. */
    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = "Remove the adapters and training states of revisions retention retired, after their grace "
                    + "period; never a serving revision or a rollback target (the catalog sends no notice for those).")
    static final class Gc implements Callable<Integer> {

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "Adapter store root.")
        Path store;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                description = "Kafka (default: $MINT_BOOTSTRAP_SERVERS, else the connection file).")
        String bootstrapServers;

        @Option(names = "--schema-registry-url", paramLabel = "URL",
                description = "Schema registry (default: $MINT_SCHEMA_REGISTRY_URL, else the connection file).")
        String registryUrl;

        @Option(names = "--connection-file", paramLabel = "FILE", defaultValue = "${sys:mint.home:-.}/.mint/connection",
                description = "File written by `mint up` (default: ${DEFAULT-VALUE}).")
        Path connectionFile;

        @Option(names = "--catalog-url", paramLabel = "URL",
                description = "Ask this catalog query API that each revision is still retired before removing it.")
        String catalogUrl;

        @Option(names = "--dry-run", description = "Report what would be removed, remove nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws IOException {
            Properties file = new Properties();
            if (Files.isRegularFile(connectionFile)) {
                try (Reader in = Files.newBufferedReader(connectionFile)) {
                    file.load(in);
                }
            }
            String bootstrap = first(bootstrapServers, System.getenv("MINT_BOOTSTRAP_SERVERS"),
                    file.getProperty("bootstrap.servers"), "--bootstrap-servers");
            String registry = first(registryUrl, System.getenv("MINT_SCHEMA_REGISTRY_URL"),
                    file.getProperty("schema.registry.url"), "--schema-registry-url");
            List<RevisionRetired> notices = readRetirements(bootstrap, registry);
            RetiredArtifactCollector collector = new RetiredArtifactCollector(new FilesystemAdapterStore(store));
            RetiredArtifactCollector.Report report;
            if (catalogUrl == null) {
                report = collector.collect(notices, Instant.now(), r -> true, dryRun);
            } else {
                try (CatalogLookup lookup = CatalogLookup.builder(catalogUrl).build()) {
                    Predicate<RemovalPlan.Removal> retired = r -> lookup.revision(r.policyId(), r.revision())
                            .map(info -> info.getRetiredAt() != null).orElse(false); // unknown: keep
                    report = collector.collect(notices, Instant.now(), retired, dryRun);
                }
            }
            report.problems().forEach(p -> System.err.println("  " + p));
            System.out.printf("%s %d artifact(s), %d already gone, %d kept; %d notice(s) not due yet (of %d)%n",
                    dryRun ? "would remove" : "removed", report.removed(), report.alreadyGone(), report.kept(),
                    report.pending(), notices.size());
            return 0;
        }

        private static String first(String flag, String env, String fromFile, String option) {
            for (String v : new String[] {flag, env, fromFile}) {
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
            throw new IllegalArgumentException("the platform's address is unknown: start it with ./mint up, or pass "
                    + option);
        }
    }

    /** Every retirement notice on the topic now, oldest first per partition. */
    static List<RevisionRetired> readRetirements(String bootstrapServers, String registryUrl) {
        String topic = Topics.CATALOG_RETIREMENTS.name();
        AvroEventDeserializer<RevisionRetired> decoder = new AvroEventDeserializer<>(
                SchemaRegistryClients.fromUrl(registryUrl), RevisionRetired.class);
        List<RevisionRetired> notices = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        notices.add(decoder.deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return notices;
    }
}
