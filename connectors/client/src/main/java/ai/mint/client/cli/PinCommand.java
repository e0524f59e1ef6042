package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.common.cli.MintSubcommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mint pin POLICY[@REVISION]}: keeps a revision resident on the serving workers (counted against their device
 * budget) until {@code mint unpin}; without a revision, the one serving now. Prints the first worker's answer.
 */
@Command(name = "pin", mixinStandardHelpOptions = true,
        description = "Keep a policy's revision resident on the serving workers until it is unpinned.")
public final class PinCommand implements MintSubcommand, Callable<Integer> {
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "POLICY[@REVISION]",
            description = "The adapter to pin; without @REVISION, the revision serving now.") String adapter;
    @Option(names = "--reason", defaultValue = "pinned from the CLI") String reason;

    @Override
    public Integer call() throws Exception {
        return PinCommand.run(client, adapter, true, reason);
    }

    /** Pins or unpins; exit 0 when the worker did it, 1 when it refused (the reason is printed). */
    static int run(ClientOptions client, String adapter, boolean pin, String reason) throws Exception {
        int at = adapter.indexOf('@');
        String policy = at < 0 ? adapter : adapter.substring(0, at);
        String revision = at < 0 ? null : adapter.substring(at + 1);
        if (policy.isBlank() || (revision != null && revision.isBlank())) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new PinCommand()),
                    "expected POLICY or POLICY@REVISION, got '" + adapter + "'");
        }
        try (MintClient c = client.connect()) {
            if (revision == null) {
                c.awaitCatalog();
            }
            var result = (pin ? c.pin(policy, revision, reason) : c.unpin(policy, revision, reason)).get();
            System.out.println((result.getAccepted() ? "" : "refused: ") + policy + "@" + result.getRevision()
                    + " on " + result.getWorkerId() + ": " + result.getReason());
            return result.getAccepted() ? 0 : 1;
        }
    }
}
