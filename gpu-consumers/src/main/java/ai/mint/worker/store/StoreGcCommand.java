package ai.mint.worker.store;

import ai.mint.common.catalog.RemovalPlan;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.RevisionRetired;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mint store gc}: removes the stored files of revisions the catalog retired, once their grace period has
 * passed. Reads every notice on {@code mint.catalog.retirements}; when the connection names a catalog URL
 * ({@code --catalog-url}, {@code $MINT_CATALOG_URL} or the connection file) it asks the catalog again that each
 * revision is still retired before removing anything.
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

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--dry-run", description = "Report what would be removed, remove nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            PlatformConnection platform = connection.resolve();
            List<RevisionRetired> notices = readRetirements(platform);
            RetiredArtifactCollector collector = new RetiredArtifactCollector(new FilesystemAdapterStore(store));
            RetiredArtifactCollector.Report report;
            if (platform.catalog().isEmpty()) {
                report = collector.collect(notices, Instant.now(), r -> true, dryRun);
            } else {
                try (CatalogLookup lookup = CatalogLookup.builder(platform.catalog().get().split(","))
                        .credentials(platform.catalogUserInfo()).build()) {
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
    }

    /** Every retirement notice on the topic now, oldest first per partition. */
    static List<RevisionRetired> readRetirements(PlatformConnection platform) {
        String topic = Topics.CATALOG_RETIREMENTS.name();
        // no key check: a notice's key names the policy's revision, not just the policy
        EventDecoder<RevisionRetired> decoder = new EventDecoder<>(
                new AvroEventDeserializer<>(platform.registry(), RevisionRetired.class), null, RetryPolicy.DEFAULT);
        List<RevisionRetired> notices = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.of(platform).consumer("mint-store-gc",
                new StringDeserializer(), new ByteArrayDeserializer(), Map.of())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    DecodeResult<RevisionRetired> d = decoder.decode(r.topic(), r.key(), r.headers(), r.value());
                    if (d.ok()) {
                        notices.add(d.event());
                    } else {
                        System.err.println("  skipping " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": "
                                + d.reason());
                    }
                }
            }
        }
        return notices;
    }
}
