package ai.mint.connect.postgres;

import ai.mint.connect.converter.AvroConnectData;
import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceResponse;
import ai.mint.events.Metric;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink task against a real PostgreSQL: upserts keyed by event, offsets only after the database commit. */
class PostgresSinkTaskTest {

    private static EmbeddedPostgres postgres;
    private final AvroConnectData data = new AvroConnectData();
    private PostgresSinkTask task;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void startTask() throws SQLException {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement s = db.createStatement()) {
            s.execute("DROP TABLE IF EXISTS inference_responses, metrics, catalog");
        }
        task = new PostgresSinkTask();
        task.initialize(new Context());
        task.start(Map.of(PostgresSinkConfig.URL, postgres.getJdbcUrl("postgres", "postgres"),
                "topics", Topics.INFERENCE_RESPONSES.name() + "," + Topics.METRICS.name() + ","
                        + Topics.CATALOG.name()));
    }

    @AfterEach
    void stopTask() {
        task.stop();
    }

    @Test
    void shouldWriteEachResponseOnceWhenABatchIsRedelivered() throws SQLException {
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(record(Topics.INFERENCE_RESPONSES.name(), i % 3, i, response("req-" + i, "text " + i)));
        }
        task.put(batch);
        task.put(batch); // Connect redelivers after a crash before its offset commit

        assertThat(count("SELECT count(*) FROM inference_responses")).isEqualTo(100);
        assertThat(count("SELECT count(DISTINCT request_id) FROM inference_responses")).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM inference_responses WHERE writes = 2")).isEqualTo(100);
        assertThat(text("SELECT completion_text FROM inference_responses WHERE request_id = 'req-42'"))
                .isEqualTo("text 42");
    }

    @Test
    void shouldHandConnectOnlyTheOffsetsOfCommittedRows() {
        TopicPartition p0 = new TopicPartition(Topics.INFERENCE_RESPONSES.name(), 0);
        TopicPartition p1 = new TopicPartition(Topics.INFERENCE_RESPONSES.name(), 1);
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(p0, new OffsetAndMetadata(50),
                p1, new OffsetAndMetadata(70));
        assertThat(task.preCommit(consumed)).isEmpty();

        task.put(List.of(record(p0.topic(), 0, 9, response("a", "x")), record(p0.topic(), 0, 10, response("b", "y"))));

        assertThat(task.preCommit(consumed)).containsExactly(Map.entry(p0, new OffsetAndMetadata(11)));
    }

    @Test
    void shouldKeepTheNewestCatalogEntryWhenAnOlderOneIsRedelivered() throws SQLException {
        task.put(List.of(record(Topics.CATALOG.name(), 0, 5, entry("p1", 7, "rev-7"))));
        task.put(List.of(record(Topics.CATALOG.name(), 0, 3, entry("p1", 4, "rev-4"))));

        assertThat(text("SELECT serving_revision FROM catalog WHERE policy_id = 'p1'")).isEqualTo("rev-7");
        assertThat(text("SELECT entry->>'serving_revision' FROM catalog WHERE policy_id = 'p1'")).isEqualTo("rev-7");
        assertThat(count("SELECT version FROM catalog WHERE policy_id = 'p1'")).isEqualTo(7);
    }

    @Test
    void shouldDeleteACatalogRowOnATombstone() throws SQLException {
        task.put(List.of(record(Topics.CATALOG.name(), 0, 1, entry("p1", 1, "rev-1")),
                record(Topics.CATALOG.name(), 0, 2, entry("p2", 1, "rev-1"))));
        task.put(List.of(new SinkRecord(Topics.CATALOG.name(), 0, null, "p1", null, null, 3)));

        assertThat(count("SELECT count(*) FROM catalog")).isEqualTo(1);
        assertThat(text("SELECT policy_id FROM catalog")).isEqualTo("p2");
    }

    @Test
    void shouldWriteMetricTagsAsJson() throws SQLException {
        Metric metric = (Metric) SampleEvents.sample(Topics.METRICS, "p1");
        metric.setTags(Map.of("worker", "w1"));
        task.put(List.of(record(Topics.METRICS.name(), 0, 0, metric)));

        assertThat(text("SELECT tags->>'worker' FROM metrics")).isEqualTo("w1");
        assertThat(text("SELECT name FROM metrics")).isEqualTo(metric.getName());
    }

    private InferenceResponse response(String requestId, String text) {
        InferenceResponse response = (InferenceResponse) SampleEvents.sample(Topics.INFERENCE_RESPONSES, "p1");
        response.setRequestId(requestId);
        response.setCompletionText(text);
        return response;
    }

    private CatalogEntry entry(String policy, long version, String serving) {
        CatalogEntry entry = (CatalogEntry) SampleEvents.sample(Topics.CATALOG, policy);
        entry.setVersion(version);
        entry.setServingRevision(serving);
        entry.setUpdatedAt(Instant.ofEpochMilli(1000 * version));
        return entry;
    }

    private SinkRecord record(String topic, int partition, long offset, SpecificRecord event) {
        return new SinkRecord(topic, partition, null, "key", data.toConnectSchema(event.getSchema()),
                data.toConnectValue(event.getSchema(), event), offset);
    }

    private static long count(String sql) throws SQLException {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(String sql) throws SQLException {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** What Connect's runtime gives a task; this test drives the task itself. */
    private static final class Context implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of();
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return null;
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
