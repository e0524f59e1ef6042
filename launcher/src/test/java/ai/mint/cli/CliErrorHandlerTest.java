package ai.mint.cli;

import ai.mint.engine.EngineException;
import ai.mint.engine.safetensors.SafetensorsException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failing command prints and returns, through real picocli execution with the launcher's error handler: the
 * modules' own exceptions speak for themselves, picocli's usage errors exit 2.
 */
class CliErrorHandlerTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** A command that throws what the test hands it, standing in for any module's command. */
    @Command(name = "failing")
    static final class FailingCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--count")
        int count;

        RuntimeException toThrow;

        @Override
        public Integer call() {
            if (count < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 0, got " + count);
            }
            throw toThrow;
        }
    }

    private int run(RuntimeException toThrow, String... args) {
        FailingCommand command = new FailingCommand();
        command.toThrow = toThrow;
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler(new CliErrorHandler());
        return cli.execute(args);
    }

    @Test
    void shouldPrintAModuleExceptionsMessageAloneAndExit1() {
        String message = "the base model directory /tmp/x has no config.json: run 'mint base init /tmp/x'";

        int code = run(new EngineException(message));

        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString().strip()).isEqualTo("failing: error: " + message);
    }

    @Test
    void shouldTreatASubclassOfAModuleExceptionTheSameWay() {
        int code = run(new SafetensorsException("adapter.safetensors: header length 9999 exceeds the file size"));

        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).doesNotContain("SafetensorsException").doesNotContain("MINT_DEBUG")
                .contains("header length 9999 exceeds the file size");
    }

    @Test
    void shouldNameTheClassOfAForeignExceptionAndPointToMintDebug() {
        int code = run(new IllegalStateException("queue full"));

        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("IllegalStateException: queue full").contains("MINT_DEBUG=1");
    }

    @Test
    void shouldRecogniseProjectExceptionsByPackageAndName() {
        assertThat(CliErrorHandler.isMintException(EngineException.class)).isTrue();
        assertThat(CliErrorHandler.isMintException(SafetensorsException.class)).isTrue();
        assertThat(CliErrorHandler.isMintException(CliException.class)).isTrue();
        assertThat(CliErrorHandler.isMintException(IllegalStateException.class)).isFalse();
        // an ai.mint class that is not named ...Exception is not taken for one
        assertThat(CliErrorHandler.isMintException(CliErrorHandler.class)).isFalse();
    }

    @Test
    void shouldExit2OnAnOptionThatIsUnknownOrOfTheWrongType() {
        assertThat(run(new IllegalStateException("not reached"), "--nope")).isEqualTo(ExitCodes.USAGE);
        assertThat(run(new IllegalStateException("not reached"), "--count", "many")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--nope").contains("many");
    }

    @Test
    void shouldExit2WhenACommandRejectsAnOptionValueItself() {
        int code = run(new IllegalStateException("not reached"), "--count", "-1");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--count must be >= 0, got -1");
    }
}
