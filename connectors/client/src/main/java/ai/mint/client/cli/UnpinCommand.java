package ai.mint.client.cli;

import ai.mint.common.cli.MintSubcommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mint unpin POLICY[@REVISION]}: lets a pinned revision be evicted again (see {@link PinCommand}). */
@Command(name = "unpin", mixinStandardHelpOptions = true, description = "Let a pinned revision be evicted again.")
public final class UnpinCommand implements MintSubcommand, Callable<Integer> {
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "POLICY[@REVISION]",
            description = "The adapter to unpin; without @REVISION, the revision serving now.") String adapter;
    @Option(names = "--reason", defaultValue = "unpinned from the CLI") String reason;

    @Override
    public Integer call() throws Exception {
        return PinCommand.run(client, adapter, false, reason);
    }
}
