package ai.mint.scheduling;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.config.SettingsOptions;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.streams.StreamsRunner;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mint scheduler}: runs the scheduler until interrupted. It finds the platform like every command
 * ({@link ConnectionOptions}); its settings are {@link SchedulerConfig}'s, from {@code --config}, {@code --set} and the
 * dedicated options.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Run the scheduler (Kafka Streams) that packs inference requests by adapter revision and sends"
                + " each pack to a worker that holds its adapter, loads scheduled ahead where it is cold.")
public final class SchedulerCommand implements Callable<Integer>, MintSubcommand {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory of the scheduler's stores (setting " + SchedulerConfig.STATE_DIR + ").")
    String stateDir;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id (setting " + SchedulerConfig.APPLICATION_ID + ").")
    String applicationId;

    /** The settings this command line names, with the connection resolved against {@code env}. */
    SchedulerConfig config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(SchedulerConfig.STATE_DIR, stateDir);
        dedicated.put(SchedulerConfig.APPLICATION_ID, applicationId);
        Map<String, Object> values = settings.collect(SchedulerConfig.DEFINITION, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return new SchedulerConfig(values);
    }

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(SchedulerConfig.DEFINITION);
            return 0;
        }
        SchedulerConfig config = config(System.getenv());
        return StreamsRunner.runUntilStopped(SchedulerApp.create(config), config, config.shutdownTimeout, "scheduler",
                "mint scheduler running (application id " + config.applicationId + "); Ctrl-C stops it");
    }
}
