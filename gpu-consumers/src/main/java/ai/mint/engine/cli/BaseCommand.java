package ai.mint.engine.cli;

import ai.mint.common.cli.MintSubcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mint base}: manage base models; {@code mint base init} makes a random one, {@code mint base pretrain} trains one. */
@Command(name = "base", description = "Manage base models.", mixinStandardHelpOptions = true,
        subcommands = {BaseInitCommand.class, BasePretrainCommand.class})
public final class BaseCommand implements MintSubcommand, Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (try `mint base init --help`)");
    }
}
