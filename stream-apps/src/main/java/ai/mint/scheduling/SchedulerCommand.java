package ai.mint.scheduling;

import ai.mint.streams.StreamsAppCommand;
import picocli.CommandLine.Command;

/**
 * {@code mint scheduler}: runs the scheduler until interrupted.
 * Its settings are {@link SchedulerConfig}'s (see {@link StreamsAppCommand}).
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Run the scheduler (Kafka Streams) that packs inference requests by adapter revision and sends"
                + " each pack to a worker that holds its adapter, loads scheduled ahead where it is cold.")
public final class SchedulerCommand extends StreamsAppCommand<SchedulerConfig> {

    public SchedulerCommand() {
        super("scheduler", SchedulerConfig.DEFINITION, SchedulerConfig::new);
    }

    @Override
    protected int run(SchedulerConfig config) throws Exception {
        return runUntilStopped(SchedulerApp.create(config), config, config.shutdownTimeout);
    }
}
