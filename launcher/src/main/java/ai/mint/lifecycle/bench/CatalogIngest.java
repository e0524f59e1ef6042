package ai.mint.lifecycle.bench;

import ai.mint.client.bulk.PolicyImporter;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The catalog-scale benchmark's workload: JSON-lines files of rank-1 policy specs, imported with the bulk importer
 * through the public topic, and the wait until the catalog app has folded them (its committed input offsets, which
 * exactly-once commits together with the stores' changelogs and the catalog topic). Also revisions for some policies.
 */
final class CatalogIngest implements AutoCloseable {

    private final String bootstrapServers;
    private final String catalogAppId;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final Admin admin;
    private final AtomicLong imported = new AtomicLong();

    CatalogIngest(String bootstrapServers, String registryUrl, String catalogAppId) {
        this.bootstrapServers = bootstrapServers;
        this.catalogAppId = catalogAppId;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20), new StringSerializer(),
                new AvroEventSerializer<>(SchemaRegistryClients.fromUrl(registryUrl)));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    static String policyId(long i) {
        return String.format("cs-%07d", i);
    }

    /** Writes specs {@code from} (inclusive) to {@code to} (exclusive) as JSON lines. */
    static Path writeSpecs(Path file, long from, long to) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = from; i < to; i++) {
                out.write("{\"policy_id\":\"");
                out.write(policyId(i));
                out.write("\",\"base_model\":\"tiny\",\"lora\":{\"rank\":1,\"alpha\":2.0,\"target_modules\":"
                        + "[\"q_proj\",\"v_proj\"]},\"reward_spec\":\"{\\\"type\\\":\\\"contains\\\",\\\"text\\\":"
                        + "\\\"7\\\"}\",\"labels\":{\"tenant\":\"t-");
                out.write(Long.toString(i % 100));
                out.write("\"}}\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Imports the file with the bulk importer; returns its summary. */
    PolicyImporter.Summary importFile(Path file, PrintStream problems) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            PolicyImporter.Summary summary = new PolicyImporter(producer, Topics.POLICY_SPECS.name(), problems)
                    .run(in, (lines, chars, sent) -> imported.set(sent));
            imported.set(0);
            return summary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Specs the importer has had acknowledged in the import running now. */
    long importedNow() {
        return imported.get();
    }

    /** Update and export results for {@code revisions} revisions of each of the given policies. */
    void publishRevisions(List<String> policies, int revisions) {
        for (String p : policies) {
            for (int step = 1; step <= revisions; step++) {
                String rev = String.format("step-%04d", step);
                Instant now = Instant.now();
                send(Topics.UPDATE_RESULTS.name(), p, UpdateResult.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setPolicyId(p).setTime(now).setCorrelationId("bench").setProducedBy("bench")
                        .setBaseRevision(step == 1 ? "" : String.format("step-%04d", step - 1)).setNewRevision(rev)
                        .setStep(step).setLoss(0.1).setMeanReward(0.5).setRewardStd(0.1).setGradNorm(1).setKl(0)
                        .setStateUri("mint://" + p + "/state/" + rev).build());
                send(Topics.EXPORT_RESULTS.name(), p, ExportResult.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setPolicyId(p).setTime(now).setCorrelationId("bench").setProducedBy("bench").setRevision(rev)
                        .setStep(step).setBaseModel("tiny").setAdapterUri("mint://" + p + "/sampler/" + rev)
                        .setSha256("ab".repeat(32)).setBytes(4096).setRank(1).setAlpha(2.0)
                        .setTargetModules(List.of("q_proj", "v_proj")).build());
                if (step % 5 == 0) {
                    send(Topics.EVAL_RESULTS.name(), p, EvalResult.newBuilder().setEventId(UUID.randomUUID().toString())
                            .setPolicyId(p).setTime(now).setCorrelationId("bench").setProducedBy("bench")
                            .setRevision(rev).setScores(Map.of("reward", 0.5)).setSamples(4).build());
                }
            }
        }
        producer.flush();
    }

    private void send(String topic, String key, SpecificRecord value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Records the catalog app has folded (and committed) from these input topics. */
    long folded(List<String> topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(catalogAppId)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> topics.contains(e.getKey().topic()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot read the catalog app's offsets: " + e.getCause(), e.getCause());
        }
    }

    /** Waits until the catalog has folded {@code expected} records of these topics; returns when it has. */
    void awaitFolded(List<String> topics, long expected, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (folded(topics) < expected) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the catalog folded " + folded(topics) + " of " + expected
                        + " records of " + topics + " within " + timeoutMillis / 1000 + " s");
            }
            Thread.sleep(50);
        }
    }

    /** Bytes the broker holds for topics whose names start with one of the prefixes. */
    long topicBytes(List<String> prefixes) {
        try {
            var dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get();
            long total = 0;
            for (var byBroker : dirs.values()) {
                for (var dir : byBroker.values()) {
                    for (var replica : dir.replicaInfos().entrySet()) {
                        String topic = replica.getKey().topic();
                        if (prefixes.stream().anyMatch(topic::startsWith)) {
                            total += replica.getValue().size();
                        }
                    }
                }
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot describe the broker's log dirs: " + e.getCause(), e.getCause());
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
