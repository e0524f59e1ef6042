package ai.mint.streams;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.config.SettingsOptions;
import ai.mint.common.connection.ConnectionOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that runs one Kafka Streams app until interrupted ({@code mint catalog}, {@code mint orchestrator},
 * {@code mint scheduler}, {@code mint feedback}). It finds the platform like every command ({@link ConnectionOptions});
 * its settings are the app's {@link ConfigDef}, from {@code --config}, {@code --set}, the two options every app has
 * and those an app adds ({@link #putDedicated}).
 *
 * @param <C> the app's settings
 */
public abstract class StreamsAppCommand<C extends AbstractConfig> implements Callable<Integer>, MintSubcommand {

    /** Setting names every app's definition has. */
    public static final String STATE_DIR = "state.dir";
    public static final String APPLICATION_ID = "application.id";

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory of the app's stores (setting " + STATE_DIR + ").")
    String stateDir;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id (setting " + APPLICATION_ID + ").")
    String applicationId;

    private final String service;
    private final ConfigDef definition;
    private final Function<Map<String, Object>, C> settingsOf;

    protected StreamsAppCommand(String service, ConfigDef definition, Function<Map<String, Object>, C> settingsOf) {
        this.service = service;
        this.definition = definition;
        this.settingsOf = settingsOf;
    }

    /** Adds the settings of the app's own options (null where not given); the default adds none. */
    protected void putDedicated(Map<String, Object> dedicated) {
    }

    /** Runs the app until it stops or the JVM is asked to; returns the exit code. */
    protected abstract int run(C config) throws Exception;

    /**
     * Runs a plain app (no server of its own beside its metrics) until it stops.
     *
     * @param shutdownTimeout how long a stop may take before the app is left behind
     */
    protected final int runUntilStopped(KafkaStreams streams, C config, Duration shutdownTimeout)
            throws Exception {
        return StreamsRunner.runUntilStopped(streams, config, shutdownTimeout, service, "mint " + service
                + " running (application id " + config.getString(APPLICATION_ID) + "); Ctrl-C stops it");
    }

    /** The settings this command line names, with the connection resolved against {@code env}. */
    public C config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(STATE_DIR, stateDir);
        dedicated.put(APPLICATION_ID, applicationId);
        putDedicated(dedicated);
        Map<String, Object> values = settings.collect(definition, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return settingsOf.apply(values);
    }

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(definition);
            return 0;
        }
        return run(config(System.getenv()));
    }
}
