package ai.mint.connect.postgres;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.Map;

/** Settings of {@link PostgresSinkConnector} (besides Connect's own: {@code topics}, converters, errors.*). */
public final class PostgresSinkConfig extends AbstractConfig {

    public static final String URL = "postgres.url";
    private static final String URL_DOC = "JDBC URL of the database, e.g. jdbc:postgresql://127.0.0.1:5432/mint.";
    public static final String USER = "postgres.user";
    private static final String USER_DOC = "Database user.";
    public static final String PASSWORD = "postgres.password";
    private static final String PASSWORD_DOC = "Database password; empty for none (trust or peer authentication).";
    public static final String CREATE_TABLES = "postgres.create.tables";
    private static final String CREATE_TABLES_DOC = "Create the tables of the configured topics when they are missing"
            + " (CREATE TABLE IF NOT EXISTS); false expects them to exist.";
    public static final String RETRY_BACKOFF_MS = "postgres.retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "How long Connect waits before it hands a batch the database "
            + "refused for a transient reason (connection lost, serialization failure, shutdown) to the task again.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    URL_DOC)
            .define(USER, Type.STRING, "postgres", Importance.HIGH, USER_DOC)
            .define(PASSWORD, Type.PASSWORD, "", Importance.HIGH, PASSWORD_DOC)
            .define(CREATE_TABLES, Type.BOOLEAN, true, Importance.MEDIUM, CREATE_TABLES_DOC)
            .define(RETRY_BACKOFF_MS, Type.LONG, 1000L, Range.atLeast(0), Importance.LOW, RETRY_BACKOFF_MS_DOC);

    public final String url;
    public final String user;
    public final String password;
    public final boolean createTables;
    public final long retryBackoffMs;

    public PostgresSinkConfig(Map<String, ?> props) {
        super(DEFINITION, props);
        this.url = getString(URL);
        this.user = getString(USER);
        this.password = getPassword(PASSWORD).value();
        this.createTables = getBoolean(CREATE_TABLES);
        this.retryBackoffMs = getLong(RETRY_BACKOFF_MS);
    }
}
