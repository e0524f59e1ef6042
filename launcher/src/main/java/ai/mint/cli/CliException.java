package ai.mint.cli;

/** A failure the command line reports as one line (no stack trace) with a chosen exit code. */
public class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
