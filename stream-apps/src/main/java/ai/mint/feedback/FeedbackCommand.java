package ai.mint.feedback;

import ai.mint.streams.StreamsAppCommand;
import picocli.CommandLine.Command;

/**
 * {@code mint feedback}: runs the feedback join until interrupted.
 * Its settings are {@link FeedbackConfig}'s (see {@link StreamsAppCommand}).
 */
@Command(name = "feedback", mixinStandardHelpOptions = true,
        description = "Run the feedback join (Kafka Streams): feedback on served responses (mint.feedback) joined "
                + "with the responses into training examples (mint.feedback.examples).")
public final class FeedbackCommand extends StreamsAppCommand<FeedbackConfig> {

    public FeedbackCommand() {
        super("feedback", FeedbackConfig.DEFINITION, FeedbackConfig::new);
    }

    @Override
    protected int run(FeedbackConfig config) throws Exception {
        return runUntilStopped(FeedbackJoinApp.create(config), config, config.shutdownTimeout);
    }
}
