package ai.mint.orchestration;

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
 * {@code mint orchestrator}: runs the training-loop orchestrator until interrupted. It finds the platform like every
 * command ({@link ConnectionOptions}); its settings are {@link OrchestratorConfig}'s, from {@code --config},
 * {@code --set} and the dedicated options.
 */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
        description = "Run the orchestrator (Kafka Streams) that drives every policy's rollout/update/export/eval loop"
                + " and its regression guard.")
public final class OrchestratorCommand implements Callable<Integer>, MintSubcommand {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory of the loop-state store (setting " + OrchestratorConfig.STATE_DIR + ").")
    String stateDir;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id (setting " + OrchestratorConfig.APPLICATION_ID + ").")
    String applicationId;

    /** The settings this command line names, with the connection resolved against {@code env}. */
    OrchestratorConfig config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(OrchestratorConfig.STATE_DIR, stateDir);
        dedicated.put(OrchestratorConfig.APPLICATION_ID, applicationId);
        Map<String, Object> values = settings.collect(OrchestratorConfig.DEFINITION, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return new OrchestratorConfig(values);
    }

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(OrchestratorConfig.DEFINITION);
            return 0;
        }
        OrchestratorConfig config = config(System.getenv());
        return StreamsRunner.runUntilStopped(OrchestratorApp.create(config), config, config.shutdownTimeout, "orchestrator",
                "mint orchestrator running (application id " + config.applicationId + "); Ctrl-C stops it");
    }
}
