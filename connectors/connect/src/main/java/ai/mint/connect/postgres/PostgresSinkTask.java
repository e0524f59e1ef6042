package ai.mint.connect.postgres;

import ai.mint.connect.PluginVersion;
import ai.mint.connect.converter.AvroConnectData;
import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Writes platform events into PostgreSQL tables ({@link SinkTables}). Each {@link #put} is one database transaction:
 * every record is upserted on its table's key, and only after the commit do the records' offsets become what
 * {@link #preCommit} hands Connect to commit. A crash between the two redelivers records whose rows are already
 * there; the upsert overwrites them with the same content, so every row is in its table once. A transient database
 * failure rolls the batch back and asks Connect to hand it again ({@link RetriableException}); a record that cannot
 * become a row goes to Connect's errant-record reporter when the connector has one ({@code errors.tolerance=all}),
 * else stops the task with the record's coordinates and the reason.
 */
public class PostgresSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSinkTask.class);

    private final AvroConnectData data = new AvroConnectData();
    private final JsonAvroConverter json = new JsonAvroConverter();
    /** The next offset to consume per partition, for records whose rows are committed in the database. */
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    private PostgresSinkConfig config;
    private Connection connection;

    @Override
    public String version() {
        return PluginVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new PostgresSinkConfig(props);
        connection = connect();
        if (config.createTables) {
            createTables(props.getOrDefault("topics", ""));
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Map<SinkTable, Map<String, Row>> rows = rowsByTable(records);
        try {
            Connection db = connection();
            for (Map.Entry<SinkTable, Map<String, Row>> table : rows.entrySet()) {
                write(db, table.getKey(), table.getValue().values());
            }
            db.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            if (isTransient(e)) {
                closeQuietly();
                context.timeout(config.retryBackoffMs);
                throw new RetriableException("PostgreSQL refused a batch of " + records.size() + " records for a "
                        + "transient reason (SQLState " + e.getSQLState() + "): " + e.getMessage()
                        + "; Connect hands the batch again", e);
            }
            throw new ConnectException("PostgreSQL refused a batch of " + records.size() + " records (SQLState "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
        for (SinkRecord record : records) {
            committed.put(new TopicPartition(record.topic(), record.kafkaPartition()),
                    new OffsetAndMetadata(record.kafkaOffset() + 1));
        }
    }

    /** Only offsets of records whose rows the database has committed; never more than {@link #put} wrote. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (currentOffsets.containsKey(partition)) {
                safe.put(partition, offset);
            }
        });
        return safe;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(committed::remove);
    }

    @Override
    public void stop() {
        closeQuietly();
    }

    /** One row per key and table: of two records for the same key in a batch the later one wins. */
    private Map<SinkTable, Map<String, Row>> rowsByTable(Collection<SinkRecord> records) {
        Map<SinkTable, Map<String, Row>> rows = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            SinkTable table = SinkTables.forTopic(record.topic()).orElseThrow(() -> new ConnectException(
                    "no table for topic " + record.topic() + "; the sink writes " + SinkTables.BY_TOPIC.keySet()));
            Row row;
            try {
                row = toRow(table, record);
            } catch (DataException | ClassCastException | NullPointerException e) {
                reportOrFail(record, e);
                continue;
            }
            rows.computeIfAbsent(table, t -> new LinkedHashMap<>()).merge(row.key(), row,
                    (older, newer) -> table.newerThan() != null && older.version() > newer.version() ? older : newer);
        }
        return rows;
    }

    private Row toRow(SinkTable table, SinkRecord record) {
        if (record.value() == null) {
            if (record.key() == null) {
                throw new DataException("a tombstone without a key");
            }
            return new Row(record.key().toString(), null, Long.MAX_VALUE, record);
        }
        if (!(record.value() instanceof Struct event)) {
            throw new DataException("the value is a " + record.value().getClass().getSimpleName()
                    + ", not a Struct: give the connector value.converter=ai.mint.connect.converter.MintAvroConverter");
        }
        GenericRecord avro = (GenericRecord) data.toAvroValue(record.valueSchema(), event,
                TopicTypes.valueSchema(Topics.require(record.topic())));
        String eventJson = json.toJson(avro);
        Object[] values = new Object[table.columns().size()];
        for (int i = 0; i < values.length; i++) {
            SinkTable.Column column = table.columns().get(i);
            values[i] = column.value().read(event, eventJson);
            if (values[i] == null && column.sqlType().endsWith("NOT NULL")) {
                throw new DataException(column.name() + " is null");
            }
        }
        long version = table.newerThan() == null ? 0 : ((Number) values[columnIndex(table, table.newerThan())])
                .longValue();
        return new Row(values[0].toString(), values, version, record);
    }

    private void write(Connection db, SinkTable table, Collection<Row> rows) throws SQLException {
        try (PreparedStatement upsert = db.prepareStatement(table.upsertSql());
             PreparedStatement delete = db.prepareStatement(table.deleteSql())) {
            boolean upserts = false;
            boolean deletes = false;
            for (Row row : rows) {
                if (row.values() == null) {
                    delete.setString(1, row.key());
                    delete.addBatch();
                    deletes = true;
                    continue;
                }
                int i = 1;
                for (int c = 0; c < row.values().length; c++) {
                    bind(upsert, i++, table.columns().get(c), row.values()[c]);
                }
                upsert.setString(i++, row.record().topic());
                upsert.setInt(i++, row.record().kafkaPartition());
                upsert.setLong(i, row.record().kafkaOffset());
                upsert.addBatch();
                upserts = true;
            }
            if (upserts) {
                upsert.executeBatch();
            }
            if (deletes) {
                delete.executeBatch();
            }
        }
    }

    private static void bind(PreparedStatement statement, int index, SinkTable.Column column, Object value)
            throws SQLException {
        if (column.sqlType().startsWith("jsonb")) {
            statement.setObject(index, value, Types.OTHER);
        } else {
            statement.setObject(index, value);
        }
    }

    private void reportOrFail(SinkRecord record, RuntimeException e) {
        String where = record.topic() + "/" + record.kafkaPartition() + "@" + record.kafkaOffset();
        ErrantRecordReporter reporter = context.errantRecordReporter();
        if (reporter == null) {
            throw new ConnectException("record " + where + " cannot be written as a row: " + e.getMessage()
                    + " (set errors.tolerance=all and errors.deadletterqueue.topic.name to route such records aside)",
                    e);
        }
        LOG.warn("record {} cannot be written as a row, reported to the dead-letter queue: {}", where, e.getMessage());
        reporter.report(record, e);
    }

    private void createTables(String topics) {
        List<String> names = List.of(topics.split(","));
        try (Statement statement = connection().createStatement()) {
            for (String topic : names) {
                if (!topic.isBlank()) {
                    statement.execute(SinkTables.forTopic(topic.trim()).orElseThrow().createSql());
                }
            }
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new ConnectException("cannot create the sink's tables in " + config.url + ": " + e.getMessage(), e);
        }
    }

    private Connection connection() {
        if (connection == null) {
            connection = connect();
        }
        return connection;
    }

    private Connection connect() {
        Properties props = new Properties();
        props.setProperty("user", config.user);
        if (!config.password.isEmpty()) {
            props.setProperty("password", config.password);
        }
        // one multi-row INSERT per batch instead of a round trip per row
        props.setProperty("reWriteBatchedInserts", "true");
        try {
            Connection db = DriverManager.getConnection(config.url, props);
            db.setAutoCommit(false);
            return db;
        } catch (SQLException e) {
            context.timeout(config.retryBackoffMs);
            throw new RetriableException("cannot connect to PostgreSQL at " + config.url + ": " + e.getMessage(), e);
        }
    }

    /** Connection loss (08), serialization failures and deadlocks (40), resources (53), shutdown (57P). */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                || state.startsWith("57P");
    }

    private void rollbackQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            closeQuietly(); // a connection that cannot roll back is not reused
        }
    }

    private void closeQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the PostgreSQL connection failed: {}", e.getMessage());
        }
        connection = null;
    }

    private static int columnIndex(SinkTable table, String column) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalStateException("table " + table.name() + " has no column " + column);
    }

    /** A row to write: null values mean delete the key's row. */
    private record Row(String key, Object[] values, long version, SinkRecord record) {
    }
}
