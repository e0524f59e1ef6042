package ai.mint.feedback;

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
 * {@code mint feedback}: runs the feedback join until interrupted. It finds the platform like every command
 * ({@link ConnectionOptions}); its settings are {@link FeedbackConfig}'s, from {@code --config}, {@code --set} and
 * the dedicated options.
 */
@Command(name = "feedback", mixinStandardHelpOptions = true,
        description = "Run the feedback join (Kafka Streams): feedback on served responses (mint.feedback) joined "
                + "with the responses into training examples (mint.feedback.examples).")
public final class FeedbackCommand implements Callable<Integer>, MintSubcommand {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory of the join's stores (setting " + FeedbackConfig.STATE_DIR + ").")
    String stateDir;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id (setting " + FeedbackConfig.APPLICATION_ID + ").")
    String applicationId;

    /** The settings this command line names, with the connection resolved against {@code env}. */
    FeedbackConfig config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(FeedbackConfig.STATE_DIR, stateDir);
        dedicated.put(FeedbackConfig.APPLICATION_ID, applicationId);
        Map<String, Object> values = settings.collect(FeedbackConfig.DEFINITION, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return new FeedbackConfig(values);
    }

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(FeedbackConfig.DEFINITION);
            return 0;
        }
        FeedbackConfig config = config(System.getenv());
        return StreamsRunner.runUntilStopped(FeedbackJoinApp.create(config), config, config.shutdownTimeout,
                "feedback", "mint feedback running (application id " + config.applicationId + "); Ctrl-C stops it");
    }
}
