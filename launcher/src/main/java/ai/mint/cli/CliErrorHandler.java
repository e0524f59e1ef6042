package ai.mint.cli;

import ai.mint.platform.PlatformException;
import ai.mint.registry.RegistryUnavailableException;
import ai.mint.registry.SchemaRegistryException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;

import java.io.UncheckedIOException;

/**
 * Turns an exception escaping a command into one clear line on stderr and an exit code from {@link ExitCodes}.
 * Set {@code MINT_DEBUG=1} to also get the stack trace.
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
        if (ex instanceof CliException || ex instanceof PlatformException || ex instanceof SchemaRegistryException
                || ex instanceof IllegalArgumentException) {
            return ex.getMessage();
        }
        if (ex instanceof UncheckedIOException io) {
            return ex.getMessage() + ": " + io.getCause().getMessage();
        }
        if (ex instanceof KafkaException) {
            return "Kafka: " + ex.getMessage();
        }
        return ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (MINT_DEBUG=1 shows the stack trace)";
    }
}
