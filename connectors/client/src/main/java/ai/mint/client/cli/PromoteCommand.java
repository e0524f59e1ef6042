package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.common.cli.MintSubcommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mint promote POLICY REVISION}: asks the catalog to serve a revision (it must have passed its gate). */
@Command(name = "promote", mixinStandardHelpOptions = true, description = "Serve a revision that passed eval.")
public final class PromoteCommand implements MintSubcommand, Callable<Integer> {
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "POLICY") String policyId;
    @Parameters(index = "1", paramLabel = "REVISION") String revision;
    @Option(names = "--reason", defaultValue = "promoted from the CLI") String reason;

    @Override
    public Integer call() throws Exception {
        try (MintClient c = client.connect()) {
            var result = c.promote(policyId, revision, reason).get();
            System.out.println((result.getAccepted() ? "serving " : "refused: ") + result.getRevision() + " ("
                    + result.getReason() + ")");
            return result.getAccepted() ? 0 : 1;
        }
    }
}
