package ai.mint.orchestration;

import ai.mint.streams.StreamsAppCommand;
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
    protected int run(OrchestratorConfig config) throws Exception {
        return runUntilStopped(OrchestratorApp.create(config), config, config.shutdownTimeout);
    }
}
