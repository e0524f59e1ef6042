package ai.mint.it.connect;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL (binaries from a jar) for the Connect ITs, with the few queries they ask. */
final class PostgresDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private PostgresDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static PostgresDatabase start() {
        try {
            return new PostgresDatabase(EmbeddedPostgres.builder().start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL", e);
        }
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** The first column of the first row as a long; 0 when the table does not exist yet. */
    long queryLong(String sql) {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // undefined table: the sink has not created it yet
            }
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    String queryText(String sql) {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
