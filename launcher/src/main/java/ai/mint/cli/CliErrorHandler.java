package ai.mint.cli;

import ai.mint.common.connection.ConnectionException;
import ai.mint.registry.RegistryUnavailableException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;

import java.io.UncheckedIOException;

/**
 * Turns an exception escaping a command into one clear line on stderr and an exit code from {@link ExitCodes}.
 * Set {@code MINT_DEBUG=1} to also get the stack trace. The modules' own exceptions (any {@code ai.mint.*} class whose
 * name ends in {@code Exception}) are written to explain themselves, so their message is shown as it is; only foreign
 * exceptions get their class name and the debugging hint.
 */
final class CliErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        cmd.getErr().println(cmd.getCommandName() + ": error: " + message(ex));
        if (System.getenv("MINT_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return exitCode(ex);
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof CliException cli) {
            return cli.exitCode();
        }
        if (ex instanceof ConnectionException connection) {
            // nobody named the platform: it is most likely not up; a wrong setting is a usage error
            return connection.missing() ? ExitCodes.UNAVAILABLE : ExitCodes.USAGE;
        }
        if (ex instanceof ConfigException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof RegistryUnavailableException
                || ex instanceof org.apache.kafka.common.errors.TimeoutException
                || ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
            return ExitCodes.UNAVAILABLE;
        }
        if (ex instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    static String message(Throwable ex) {
        if (ex instanceof org.apache.kafka.common.errors.TimeoutException
                || ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "Kafka did not answer in time (" + ex.getMessage() + "); is the platform running (./mint up) and "
                    + "bootstrap.servers right?";
        }
        if (ex instanceof IllegalArgumentException || ex instanceof CommandLine.ParameterException
                || ex instanceof ConfigException || isMintException(ex.getClass())) {
            return ex.getMessage() == null || ex.getMessage().isBlank() ? describe(ex) : ex.getMessage();
        }
        if (ex instanceof UncheckedIOException io) {
            return ex.getMessage() + ": " + io.getCause().getMessage();
        }
        if (ex instanceof KafkaException) {
            return "Kafka: " + ex.getMessage();
        }
        return describe(ex) + " (MINT_DEBUG=1 shows the stack trace)";
    }

    /**
     * Whether this class, or a class it extends, is one of the project's exceptions ({@code ai.mint.*},
     * named {@code ...Exception}); checked by name so that the launcher needs no module's exception class.
     */
    static boolean isMintException(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().startsWith("ai.mint.") && c.getSimpleName().endsWith("Exception")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable ex) {
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }
}
