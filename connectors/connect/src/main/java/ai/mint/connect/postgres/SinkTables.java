package ai.mint.connect.postgres;

import ai.mint.connect.postgres.SinkTable.Column;
import ai.mint.topics.Topics;
import org.apache.kafka.connect.data.Struct;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.errors.DataException;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The tables the PostgreSQL sink knows, one per platform topic: inference responses (keyed by request id), metrics
 * (keyed by event id) and the catalog (keyed by policy id, the latest entry as JSONB, never replaced by an older
 * version).
 */
public final class SinkTables {

    public static final SinkTable INFERENCE_RESPONSES = new SinkTable("inference_responses",
            Topics.INFERENCE_RESPONSES.name(), "request_id", List.of(
                    text("request_id"), text("event_id"), text("policy_id"), time("time"), text("revision"),
                    text("worker_id"), text("completion_text"),
                    new Column("completion_tokens", "integer NOT NULL", (e, j) -> e.getArray("completion_tokens").size()),
                    text("finish_reason"), bigint("latency_ms"), nullableText("error")), null);

    public static final SinkTable METRICS = new SinkTable("metrics", Topics.METRICS.name(), "event_id", List.of(
            text("event_id"), text("policy_id"), time("time"), text("name"),
            new Column("value", "double precision NOT NULL", (e, j) -> e.getFloat64("value")),
            nullableText("revision"), jsonbOf("tags", e -> e.getMap("tags")), text("source")), null);

    public static final SinkTable CATALOG = new SinkTable("catalog", Topics.CATALOG.name(), "policy_id", List.of(
            text("policy_id"), bigint("version"), time("updated_at"),
            new Column("status", "text NOT NULL", (e, j) -> e.getStruct("spec").getString("status")),
            new Column("base_model", "text NOT NULL", (e, j) -> e.getStruct("spec").getString("base_model")),
            nullableText("serving_revision"),
            new Column("revision_count", "integer NOT NULL", (e, j) -> e.getInt32("revision_count")),
            new Column("entry", "jsonb NOT NULL", (e, j) -> j)), "version");

    /** Every table, by the topic that feeds it. */
    public static final Map<String, SinkTable> BY_TOPIC = List.of(INFERENCE_RESPONSES, METRICS, CATALOG).stream()
            .collect(Collectors.toUnmodifiableMap(SinkTable::topic, Function.identity()));

    private static final ObjectMapper JSON = new ObjectMapper();

    private SinkTables() {
    }

    /** The table a topic feeds, if the sink knows one. */
    public static Optional<SinkTable> forTopic(String topic) {
        return Optional.ofNullable(BY_TOPIC.get(topic));
    }

    private static Column text(String name) {
        return new Column(name, "text NOT NULL", (e, j) -> e.getString(name));
    }

    private static Column nullableText(String name) {
        return new Column(name, "text", (e, j) -> e.getString(name));
    }

    private static Column bigint(String name) {
        return new Column(name, "bigint NOT NULL", (e, j) -> e.getInt64(name));
    }

    private static Column time(String name) {
        return new Column(name, "timestamptz NOT NULL", (e, j) -> OffsetDateTime.ofInstant(((Date) e.get(name)).toInstant(), ZoneOffset.UTC));
    }

    private static Column jsonbOf(String name, Function<Struct, Object> value) {
        return new Column(name, "jsonb NOT NULL", (e, j) -> {
            try {
                return JSON.writeValueAsString(value.apply(e));
            } catch (JsonProcessingException ex) {
                throw new DataException(name + ": cannot be written as JSON: " + ex.getOriginalMessage(), ex);
            }
        });
    }
}
