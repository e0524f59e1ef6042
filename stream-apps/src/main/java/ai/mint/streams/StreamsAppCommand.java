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
 * A command that runs one Kafka Streams app until interrupted ({@code mint orchestrator}, {@code mint scheduler},
 * {@code mint feedback}). It finds the platform like every command ({@link ConnectionOptions}); its settings are the
 * app's {@link ConfigDef}, from {@code --config}, {@code --set} and the two options every app has.
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

    /** The app, built but not started. */
    protected abstract KafkaStreams create(C config);

    /** How long a stop may take before the app is left behind. */
    protected abstract Duration shutdownTimeout(C config);

    /** The settings this command line names, with the connection resolved against {@code env}. */
    public C config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(STATE_DIR, stateDir);
        dedicated.put(APPLICATION_ID, applicationId);
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
        C config = config(System.getenv());
        return StreamsRunner.runUntilStopped(create(config), config, shutdownTimeout(config), service, "mint "
                + service + " running (application id " + config.getString(APPLICATION_ID) + "); Ctrl-C stops it");
    }
}
