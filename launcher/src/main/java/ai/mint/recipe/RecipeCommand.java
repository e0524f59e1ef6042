package ai.mint.recipe;

import ai.mint.common.cli.MintSubcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mint recipe sft|rl}: training recipes written only against the Tinker-shaped API. */
@Command(name = "recipe", mixinStandardHelpOptions = true,
        description = "Training recipes over the training API (in process with --local, or on a platform).",
        subcommands = {SftRecipe.class, RlRecipe.class, CommandLine.HelpCommand.class})
public final class RecipeCommand implements MintSubcommand, Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
