package ai.mint.engine;

import java.nio.file.Path;

/**
 * Where an adapter's PEFT files come from. {@link #open} runs on one of the engine's loader threads, never on the
 * model thread, so it may do slow I/O (verify a checksum, download into a local cache). Two sources with the same
 * {@link #identity} are the same revision: registering it again changes nothing.
 */
public interface AdapterSource {

    /** What names this content (e.g. its URI and sha-256); a different identity under the same id is a new revision. */
    String identity();

    /** A local PEFT directory with the adapter's files, verified if the source verifies. */
    Path open();

    /** A directory used as it is (tests, tools, the in-process API). */
    static AdapterSource of(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        return new AdapterSource() {
            @Override
            public String identity() {
                return dir.toString();
            }

            @Override
            public Path open() {
                return dir;
            }
        };
    }
}
