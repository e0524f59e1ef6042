package ai.mint.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code mint bench}: the parent of every benchmark the modules offer (found through
 * {@link ai.mint.common.cli.MintBenchmark}); without a name it lists them.
 */
@Command(name = BenchCommand.NAME, mixinStandardHelpOptions = true,
        description = "Run a benchmark that compares our figure with the MinT paper's; without NAME, list them.")
public final class BenchCommand implements Runnable {

    static final String NAME = "bench";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, CommandLine> benchmarks = spec.subcommands();
        if (benchmarks.isEmpty()) {
            out.println("no benchmarks are installed yet");
            return;
        }
        out.println("benchmarks (run: ./mint bench NAME [--quick]):");
        benchmarks.forEach((name, cmd) -> out.printf("  %-28s %s%n", name,
                String.join(" ", cmd.getCommandSpec().usageMessage().description())));
        out.flush();
    }
}
