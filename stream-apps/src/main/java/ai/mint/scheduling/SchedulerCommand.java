package ai.mint.scheduling;

import ai.mint.streams.StreamsAppCommand;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
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
    protected KafkaStreams create(SchedulerConfig config) {
        return SchedulerApp.create(config);
    }

    @Override
    protected Duration shutdownTimeout(SchedulerConfig config) {
        return config.shutdownTimeout;
    }
}
