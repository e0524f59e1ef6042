package ai.mint.cli;

import ai.mint.quickstart.QuickstartJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code mint quickstart}: the README's main job. Trains several policies concurrently on the embedded platform,
 * lets eval promote revisions, samples each, rolls one back and prints the catalog (see {@link QuickstartJob}).
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "The whole product in a few minutes on the embedded platform: use the English base "
                + "(models/brown-small, pretrained first if missing), "
                + "start broker, registry, catalog app, orchestrator and a worker, train 4 policies with different "
                + "rewards concurrently (reward curves as they go), let eval promote revisions, sample each policy, "
                + "roll one back, print the catalog and each policy's history, stop.")
public final class QuickstartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "60", description = "GRPO steps per policy (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--minutes", defaultValue = "6",
            description = "stop training after this many minutes even if steps remain (default ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--base", description = "base model directory (default models/brown-small, the English base "
            + "the repository carries; pretrained into the directory if missing)")
    Path baseDir;

    @Option(names = "--keep-data", description = "keep the temporary data directory (its path is printed)")
    boolean keepData;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || minutes < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--steps and --minutes must be at least 1");
        }
        QuickstartJob.Options defaults = QuickstartJob.Options.defaults(Path.of(System.getProperty("mint.home", ".")));
        QuickstartJob.Options options = new QuickstartJob.Options(steps, Duration.ofMinutes(minutes),
                baseDir != null ? baseDir : defaults.baseDir(), null, keepData);
        return new QuickstartJob(options, spec.commandLine().getOut()).run();
    }
}
