package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.common.cli.MintSubcommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mint train POLICY --steps N}: trains N more steps (rollout, update, export, eval each). */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a policy more steps.")
public final class TrainCommand implements MintSubcommand, Callable<Integer> {
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "POLICY") String policyId;
    @Option(names = "--steps", defaultValue = "5", description = "Steps beyond those done (default: ${DEFAULT-VALUE}).") int steps;

    @Override
    public Integer call() throws Exception {
        try (MintClient c = client.connect()) {
            var entry = c.awaitCatalog().train(policyId, steps).get();
            System.out.println("policy " + policyId + " trains to step " + entry.getSpec().getTraining().getSteps());
            return 0;
        }
    }
}
