package ai.mint.connect.postgres;

import org.apache.kafka.connect.data.Struct;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One PostgreSQL table the sink writes: which topic feeds it, its columns, the key rows are upserted on, and how an
 * event becomes a row. Every table also records where its row came from ({@code kafka_topic}, {@code kafka_partition},
 * {@code kafka_offset}) and how many times it was written ({@code writes}): a redelivered record overwrites its row
 * with the same content and counts one more write, it never adds a row.
 *
 * @param name      table name
 * @param topic     the platform topic it is fed from
 * @param key       the key column (the event field that identifies a row)
 * @param columns   the event's columns, key first
 * @param newerThan a column whose value must not go down on an upsert (the catalog entry's {@code version}), or null:
 *                  a redelivered older entry then leaves the newer row alone
 */
public record SinkTable(String name, String topic, String key, List<Column> columns, String newerThan) {

    /** Bookkeeping columns after the event's own. */
    static final List<String> ORIGIN = List.of("kafka_topic", "kafka_partition", "kafka_offset");

    /**
     * One column: its SQL type and how to read it from the event.
     *
     * @param name    column name
     * @param sqlType PostgreSQL type
     * @param value   reads the column's value from the event (the struct) and its JSON form
     */
    public record Column(String name, String sqlType, ValueReader value) {
    }

    /** Reads one column's value from an event. */
    @FunctionalInterface
    public interface ValueReader {
        /**
         * @param event the event as Connect data
         * @param json  the event as natural JSON (the form {@code mint consume} prints), for JSONB columns
         */
        Object read(Struct event, String json);
    }

    public SinkTable {
        columns = List.copyOf(columns);
        if (columns.isEmpty() || !columns.get(0).name().equals(key)) {
            throw new IllegalArgumentException("table " + name + ": the key column " + key + " must come first");
        }
    }

    /** {@code CREATE TABLE IF NOT EXISTS ...}. */
    String createSql() {
        String cols = columns.stream().map(c -> c.name() + " " + c.sqlType() + (c.name().equals(key) ? " PRIMARY KEY"
                : "")).collect(Collectors.joining(",\n  "));
        return "CREATE TABLE IF NOT EXISTS " + name + " (\n  " + cols + ",\n"
                + "  kafka_topic text NOT NULL,\n  kafka_partition integer NOT NULL,\n  kafka_offset bigint NOT NULL,\n"
                + "  writes integer NOT NULL DEFAULT 1,\n  written_at timestamptz NOT NULL DEFAULT now()\n)";
    }

    /** The upsert of one row: insert, or on a key conflict overwrite the row and count the write. */
    String upsertSql() {
        List<String> names = columns.stream().map(Column::name).collect(Collectors.toList());
        names.addAll(ORIGIN);
        String placeholders = names.stream().map(n -> "?").collect(Collectors.joining(", "));
        String updates = names.stream().filter(n -> !n.equals(key)).map(n -> n + " = EXCLUDED." + n)
                .collect(Collectors.joining(", "));
        String guard = newerThan == null ? "" : " WHERE " + name + "." + newerThan + " <= EXCLUDED." + newerThan;
        return "INSERT INTO " + name + " (" + String.join(", ", names) + ") VALUES (" + placeholders + ")"
                + " ON CONFLICT (" + key + ") DO UPDATE SET " + updates + ", writes = " + name + ".writes + 1,"
                + " written_at = now()" + guard;
    }

    /** Removes the row of a key (a tombstone on a compacted topic). */
    String deleteSql() {
        return "DELETE FROM " + name + " WHERE " + key + " = ?";
    }
}
