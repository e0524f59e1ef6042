package ai.mint.lifecycle.bench;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.bench.Stats;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.model.Projection;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.InferenceResponse;
import ai.mint.platform.ConnectRest;
import ai.mint.platform.ConnectWorkerProcess;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint bench connect}: the platform's Kafka Connect plugin in a real Connect worker (child JVM) on the embedded
 * broker, writing into a real PostgreSQL. Two measurements, each two variants doing the same work in rotated order:
 * rows/s of {@code mint.inference.responses} into PostgreSQL through the sink connector (the connector paused while a
 * round's rows are produced, timed from resume to the last row committed) beside the same rows upserted over JDBC
 * from this JVM in batches; and adapters/s and MB/s of PEFT adapters through the import connector (check against the
 * base, copy into the store, register with the catalog app, stage by stage) beside a plain copy of the same files.
 */
@Command(name = "connect", description = "Kafka Connect: rows/s into PostgreSQL through the sink connector beside "
        + "plain JDBC upserts; adapters/s and MB/s through the import connector beside a plain file copy.")
public final class ConnectBenchmark implements MintBenchmark, Callable<Integer> {

    private static final String SINK = "bench-sink";
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(3);

    @Option(names = "--quick", description = "Smaller rounds (about a minute).")
    boolean quick;

    @Option(names = "--rows", description = "Responses per round (default: 20000, --quick 3000).")
    Integer rowsOption;

    @Option(names = "--adapters", description = "Adapters per round (default: 200, --quick 40).")
    Integer adaptersOption;

    private long produced;

    @Override
    public Integer call() throws Exception {
        int rows = rowsOption != null ? rowsOption : quick ? 3_000 : 20_000;
        int adapters = adaptersOption != null ? adaptersOption : quick ? 40 : 200;
        int warmUps = 1;
        int rounds = 5;
        Path work = Files.createTempDirectory("mint-bench-connect-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(work.resolve("platform")));
             RunningCatalog catalog = CatalogApp.start(new CatalogConfig(Map.of(
                     CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                     CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                     CatalogConfig.STATE_DIR, work.resolve("catalog").toString(),
                     CatalogConfig.HTTP_PORT, 0)));
             EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres"))
                     .setCleanDataDirectory(true).start();
             ConnectWorkerProcess connect = ConnectWorkerProcess.start(platform.connection(),
                     ConnectWorkerProcess.Settings.of(work.resolve("connect")), START);
             Connection db = postgres.getPostgresDatabase().getConnection();
             KafkaProducer<String, InferenceResponse> producer = KafkaClients.of(platform.connection())
                     .producer("bench-connect", new StringSerializer(),
                             new AvroEventSerializer<>(platform.connection().registry()))) {
            ConnectRest rest = new ConnectRest(connect.url());
            String jdbc = postgres.getJdbcUrl("postgres", "postgres");
            System.out.printf("connect bench: %d rows and %d adapters per round, %d warm-up + %d timed rounds%n",
                    rows, adapters, warmUps, rounds);

            rest.deploy(SINK, Map.of("connector.class", "ai.mint.connect.postgres.PostgresSinkConnector",
                    "topics", Topics.INFERENCE_RESPONSES.name(), "tasks.max", "1", "postgres.url", jdbc));
            rest.awaitRunning(SINK, 1, START);
            try (Statement s = db.createStatement()) {
                // the sink created its table; the direct variant writes a twin of it
                s.execute("CREATE TABLE direct_responses (LIKE inference_responses INCLUDING ALL)");
            }
            BenchResult sink = BenchRun.of("connect sink").warmUps(warmUps).rounds(rounds)
                    .variant("sink connector", s -> {
                        rest.pause(SINK, START);
                        List<InferenceResponse> batch = responses(rows);
                        long before = count(db, "inference_responses");
                        for (InferenceResponse r : batch) {
                            producer.send(new ProducerRecord<>(Topics.INFERENCE_RESPONSES.name(), r.getPolicyId(), r));
                        }
                        producer.flush();
                        long started = System.nanoTime();
                        s.time("drain", () -> {
                            rest.resume(SINK);
                            awaitCount(db, "inference_responses", before + rows);
                        });
                        s.metric("rows/s", rows / ((System.nanoTime() - started) / 1e9));
                    })
                    .variant("JDBC batch upsert", s -> {
                        List<InferenceResponse> batch = responses(rows);
                        long started = System.nanoTime();
                        s.time("drain", () -> upsert(db, batch));
                        s.metric("rows/s", rows / ((System.nanoTime() - started) / 1e9));
                    })
                    .run();
            rest.delete(SINK);

            Path base = work.resolve("tiny");
            ModelConfig config = ModelPreset.TINY.config(false);
            BaseModelInitializer.write(base, config, 42L, DType.F32);
            List<Path> trees = new ArrayList<>();
            for (int round = 0; round < warmUps + rounds; round++) {
                trees.add(writeAdapters(work.resolve("adapters-" + round), config, adapters, round));
            }
            long bytes = size(trees.get(0));
            BenchResult imports = BenchRun.of("connect import").warmUps(warmUps).rounds(rounds)
                    .variant("import connector", s -> {
                        int r = s.sequence();
                        String prefix = "bench-" + r + ".";
                        long started;
                        try (Consumer<String, byte[]> serves = serveRequests(platform)) {
                            started = System.nanoTime();
                            s.time("import", () -> {
                                rest.deploy("bench-import-" + r, Map.of(
                                        "connector.class", "ai.mint.connect.adapters.AdapterImportSourceConnector",
                                        "tasks.max", "1", "adapter.dir", trees.get(r).toString(),
                                        "adapter.base.dir", base.toString(),
                                        "adapter.store.root", work.resolve("store-" + r).toString(),
                                        "adapter.policy.prefix", prefix, "catalog.url", catalog.queryUrl(),
                                        "poll.interval.ms", "100"));
                                awaitRecords(serves, prefix, adapters);
                            });
                        }
                        double seconds = (System.nanoTime() - started) / 1e9;
                        rest.delete("bench-import-" + r);
                        s.metric("adapters/s", adapters / seconds);
                        s.metric("MB/s", bytes / 1e6 / seconds);
                    })
                    .variant("plain file copy", s -> {
                        int r = s.sequence();
                        long started = System.nanoTime();
                        s.time("import", () -> copyTree(trees.get(r), work.resolve("copy-" + r)));
                        double seconds = (System.nanoTime() - started) / 1e9;
                        s.metric("adapters/s", adapters / seconds);
                        s.metric("MB/s", bytes / 1e6 / seconds);
                    })
                    .run();
            report(sink, imports, rows, adapters, bytes);
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private void report(BenchResult sink, BenchResult imports, int rows, int adapters, long bytes) {
        double sinkRate = sink.variant("sink connector").metric("rows/s").median();
        double jdbcRate = sink.variant("JDBC batch upsert").metric("rows/s").median();
        double importMb = imports.variant("import connector").metric("MB/s").median();
        double copyMb = imports.variant("plain file copy").metric("MB/s").median();
        BenchReport report = new BenchReport("connect", rows + " inference responses per round into PostgreSQL, "
                + adapters + " PEFT adapters (rank 8, q/v, tiny base; " + bytes / adapters / 1024 + " KiB each) "
                + "per round through the import connector")
                .columns("measurement", "variant", "median", "min", "max", "unit");
        for (BenchResult result : List.of(sink, imports)) {
            for (BenchResult.VariantResult v : result.variants().values()) {
                v.metrics().forEach((unit, stats) -> report.row(result.name(), v.name(), stats.median(), stats.min(),
                        stats.max(), unit));
            }
        }
        report.variants(sink).variants(imports);
        report.figure("rows_per_round", rows);
        report.figure("adapters_per_round", adapters);
        report.figure("adapter_bytes_per_round", bytes);
        report.figure("sink_rows_per_s", sinkRate);
        report.figure("jdbc_rows_per_s", jdbcRate);
        report.figure("import_adapters_per_s", imports.variant("import connector").metric("adapters/s").median());
        report.figure("import_mb_per_s", importMb);
        report.figure("copy_mb_per_s", copyMb);
        report.ratio(sinkRate / jdbcRate, "sink connector rows/s over plain JDBC batch upserts of the same rows");
        report.note("the MinT paper has no figure for this; embedded single broker, the Connect worker in its own JVM, "
                + "embedded PostgreSQL 14 and this JVM share 2 cores");
        report.note("the sink commits one transaction per poll (up to max.poll.records rows) and Kafka offsets only "
                + "after it; the JDBC variant upserts in batches of 500 in one transaction each from this JVM");
        report.note("the import reads each adapter's safetensors header, hashes and copies its files and publishes 4 "
                + "events per adapter, each stage sent once the catalog's query API shows the one before: import MB/s "
                + "over copy MB/s = " + String.format(java.util.Locale.ROOT, "%.2f", importMb / copyMb) + "; a round "
                + "is timed from the deploy (connector and task start included) to the last serve request on its "
                + "topic, so small rounds are dominated by start-up and by three catalog commits per batch");
        report.publish();
    }

    /** {@code n} responses with fresh request ids (so every row is new in both tables). */
    private List<InferenceResponse> responses(int n) {
        List<InferenceResponse> list = new ArrayList<>(n);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            long id = produced++;
            String policy = "bench-policy-" + (id % 64);
            list.add(InferenceResponse.newBuilder().setEventId("bench-resp-" + id).setPolicyId(policy).setTime(now)
                    .setRequestId("bench-req-" + id).setRevision("rev-1").setWorkerId("bench")
                    .setCompletionText("completion " + id).setCompletionTokens(List.of(1, 2, 3, 4))
                    .setLogprobs(List.of(-0.5f, -0.25f, -1f, -0.1f)).setFinishReason("stop").setLatencyMs(12).build());
        }
        return list;
    }

    /** An upsert like the sink's (every row is new, so both insert), in transactions of 500 rows. */
    private static void upsert(Connection db, List<InferenceResponse> rows) throws Exception {
        String sql = "INSERT INTO direct_responses (request_id, event_id, policy_id, time, revision, worker_id, "
                + "completion_text, completion_tokens, finish_reason, latency_ms, error, kafka_topic, kafka_partition, "
                + "kafka_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO UPDATE "
                + "SET completion_text = EXCLUDED.completion_text, writes = direct_responses.writes + 1";
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            int inBatch = 0;
            long offset = 0;
            for (InferenceResponse r : rows) {
                insert.setString(1, r.getRequestId());
                insert.setString(2, r.getEventId());
                insert.setString(3, r.getPolicyId());
                insert.setTimestamp(4, Timestamp.from(r.getTime()));
                insert.setString(5, r.getRevision());
                insert.setString(6, r.getWorkerId());
                insert.setString(7, r.getCompletionText());
                insert.setInt(8, r.getCompletionTokens().size());
                insert.setString(9, r.getFinishReason());
                insert.setLong(10, r.getLatencyMs());
                insert.setString(11, r.getError());
                insert.setString(12, Topics.INFERENCE_RESPONSES.name());
                insert.setInt(13, 0);
                insert.setLong(14, offset++);
                insert.addBatch();
                if (++inBatch == 500) {
                    insert.executeBatch();
                    db.commit();
                    inBatch = 0;
                }
            }
            insert.executeBatch();
            db.commit();
        } finally {
            db.setAutoCommit(true);
        }
    }

    private static long count(Connection db, String table) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitCount(Connection db, String table, long expected) throws Exception {
        long deadline = System.nanoTime() + ROUND_LIMIT.toNanos();
        long now;
        while ((now = count(db, table)) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(table + " holds " + now + " rows, " + expected + " expected, after "
                        + ROUND_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(5);
        }
    }

    /** A consumer at the end of the serve-request topic: the import's last stage lands there. */
    private static Consumer<String, byte[]> serveRequests(EmbeddedPlatform platform) {
        Consumer<String, byte[]> consumer = KafkaClients.of(platform.connection()).consumer("bench-connect-serves",
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.SERVE_REQUESTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before the import starts
        return consumer;
    }

    private static void awaitRecords(Consumer<String, byte[]> consumer, String keyPrefix, int expected) {
        long deadline = System.nanoTime() + ROUND_LIMIT.toNanos();
        int seen = 0;
        while (seen < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the import registered " + seen + " of " + expected + " adapters in "
                        + ROUND_LIMIT.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                seen += r.key() != null && r.key().startsWith(keyPrefix) ? 1 : 0;
            }
        }
    }

    private static Path writeAdapters(Path tree, ModelConfig config, int count, int round) {
        for (int i = 0; i < count; i++) {
            PeftAdapterIo.write(tree.resolve(String.format("a%04d", i)), LoraWeights.random(config,
                    EnumSet.of(Projection.Q, Projection.V), 8, 16f, round * 100_000L + i, true), config);
        }
        return tree;
    }

    private static long size(Path tree) throws IOException {
        try (Stream<Path> files = Files.walk(tree)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
