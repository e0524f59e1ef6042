package ai.mint.orchestration;

import ai.mint.streams.StreamsAppCommand;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;

/**
 * {@code mint orchestrator}: runs the training-loop orchestrator until interrupted.
 * Its settings are {@link OrchestratorConfig}'s (see {@link StreamsAppCommand}).
 */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
        description = "Run the orchestrator (Kafka Streams) that drives every policy's rollout/update/export/eval loop"
                + " and its regression guard.")
public final class OrchestratorCommand extends StreamsAppCommand<OrchestratorConfig> {

    public OrchestratorCommand() {
        super("orchestrator", OrchestratorConfig.DEFINITION, OrchestratorConfig::new);
    }

    @Override
    protected KafkaStreams create(OrchestratorConfig config) {
        return OrchestratorApp.create(config);
    }

    @Override
    protected Duration shutdownTimeout(OrchestratorConfig config) {
        return config.shutdownTimeout;
    }
}
