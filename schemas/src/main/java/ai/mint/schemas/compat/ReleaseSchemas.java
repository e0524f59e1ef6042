package ai.mint.schemas.compat;

import org.apache.avro.Schema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshots every event schema that changed since its last release as a new version under {@code schemas/released/},
 * refusing when a change breaks a released version. Run it (or {@code mint schemas release}) before shipping a schema
 * change; the build's compatibility test then guards the new version too.
 */
public final class ReleaseSchemas {

    /** The rule the build holds every schema change to; see {@link #MODE_REASON}. */
    public static final CompatibilityMode BUILD_MODE = CompatibilityMode.FULL;
    /** Why FULL and not only BACKWARD. */
    public static final String MODE_REASON = "consumers read events into the schema compiled into them, so an old"
            + " consumer must read new events (FORWARD) and a new one must read events kept on topics (BACKWARD)";

    /**
     * What a release did.
     *
     * @param released files written
     * @param problems compatibility problems that stopped the release (nothing is written when non-empty)
     */
    public record Outcome(List<Path> released, List<String> problems) {
    }

    private ReleaseSchemas() {
    }

    /** Releases the changed schemas among {@code current}, or nothing when any of them breaks a released version. */
    public static Outcome releaseChanged(ReleasedSchemas repository, List<Schema> current) {
        List<String> problems = repository.check(current, BUILD_MODE);
        if (!problems.isEmpty()) {
            return new Outcome(List.of(), problems);
        }
        List<Path> written = new ArrayList<>();
        for (Schema schema : current) {
            if (repository.isUnreleased(schema)) {
                written.add(repository.release(schema));
            }
        }
        return new Outcome(written, List.of());
    }

    /** {@code ReleaseSchemas [released-dir]}: releases into the directory (default {@code schemas/released}). */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "schemas/released");
        Outcome outcome = releaseChanged(new ReleasedSchemas(dir), ReleasedSchemas.currentEventSchemas());
        if (!outcome.problems().isEmpty()) {
            System.err.println("not released: " + outcome.problems().size() + " incompatible change(s):");
            outcome.problems().forEach(p -> System.err.println("  " + p));
            System.exit(1);
        }
        if (outcome.released().isEmpty()) {
            System.out.println("every schema matches its latest release in " + dir);
        }
        outcome.released().forEach(f -> System.out.println("released " + f));
    }
}
