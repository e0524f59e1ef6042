package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.common.cli.MintSubcommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mint rollback POLICY [--to REVISION]}: moves the serving pointer back. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Serve an earlier good revision (default: the latest one before the serving revision).")
public final class RollbackCommand implements MintSubcommand, Callable<Integer> {
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "POLICY") String policyId;
    @Option(names = "--to", paramLabel = "REVISION") String target;
    @Option(names = "--reason", defaultValue = "rolled back from the CLI") String reason;

    @Override
    public Integer call() throws Exception {
        try (MintClient c = client.connect()) {
            var result = c.rollback(policyId, target, reason).get();
            System.out.println(result.getAccepted()
                    ? "serving " + result.getToRevision() + " (was " + result.getFromRevision() + ")"
                    : "refused: " + result.getReason());
            return result.getAccepted() ? 0 : 1;
        }
    }
}
