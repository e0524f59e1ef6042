package ai.mint.cli;

/** The exit codes of every {@code mint} command, so scripts can tell a bad call from an unreachable platform. */
public final class ExitCodes {

    /** Everything worked. */
    public static final int OK = 0;
    /** The command ran and something failed: drift found, lines rejected, events not decodable, a schema refused. */
    public static final int FAILED = 1;
    /** The command line was wrong: unknown option or topic, missing argument. */
    public static final int USAGE = 2;
    /** Kafka or the schema registry could not be reached. */
    public static final int UNAVAILABLE = 3;

    private ExitCodes() {
    }
}
