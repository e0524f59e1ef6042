package ai.mint.cli;

import ai.mint.schemas.compat.ReleaseSchemas;
import ai.mint.schemas.compat.ReleasedSchemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mint schemas check|release}: the build's schema compatibility rule, from the command line. */
@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = "Check event schemas against their released versions, or release changed ones.",
        subcommands = {SchemasCommand.Check.class, SchemasCommand.Release.class})
public final class SchemasCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("choose a subcommand: check or release (mint schemas --help)");
        return 2;
    }

    /** Lists every compatibility problem of the current schemas. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Fail when an event schema breaks one of its released versions (FULL compatibility).")
    static final class Check implements Callable<Integer> {

        @Option(names = "--released-dir", defaultValue = "schemas/released",
                description = "Where released versions live (default: ${DEFAULT-VALUE}).")
        Path releasedDir;

        @Override
        public Integer call() {
            ReleasedSchemas repository = new ReleasedSchemas(releasedDir);
            List<String> problems = repository.check(ReleasedSchemas.currentEventSchemas(), ReleaseSchemas.BUILD_MODE);
            if (problems.isEmpty()) {
                System.out.println("all event schemas are compatible with their releases in " + releasedDir);
                return 0;
            }
            System.err.println(problems.size() + " incompatible change(s):");
            problems.forEach(p -> System.err.println("  " + p));
            return 1;
        }
    }

    /** Snapshots changed schemas as new versions. */
    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Write each changed event schema as its next version v<N>.avsc, if compatible.")
    static final class Release implements Callable<Integer> {

        @Option(names = "--released-dir", defaultValue = "schemas/released",
                description = "Where released versions live (default: ${DEFAULT-VALUE}).")
        Path releasedDir;

        @Override
        public Integer call() {
            ReleaseSchemas.Outcome outcome = ReleaseSchemas.releaseChanged(new ReleasedSchemas(releasedDir),
                    ReleasedSchemas.currentEventSchemas());
            if (!outcome.problems().isEmpty()) {
                System.err.println("nothing released: " + outcome.problems().size() + " incompatible change(s):");
                outcome.problems().forEach(p -> System.err.println("  " + p));
                return 1;
            }
            if (outcome.released().isEmpty()) {
                System.out.println("every schema matches its latest release in " + releasedDir);
            }
            outcome.released().forEach(f -> System.out.println("released " + f));
            return 0;
        }
    }
}
