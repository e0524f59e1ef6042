package ai.mint.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command tree and its errors, run in-process without a platform. */
class MintCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return MintCli.commandLine(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true)).execute(args);
    }

    @Test
    void shouldListEveryOwnCommandInTheRootHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("up", "topics", "produce", "consume", "bench", "quickstart", "smoke");
    }

    @Test
    void shouldAnswerHelpOnEachCommand() {
        for (List<String> command : List.of(List.of("up"), List.of("topics"), List.of("produce"),
                List.of("consume"), List.of("bench"), List.of("quickstart"), List.of("smoke"))) {
            StringWriter help = new StringWriter();
            var cli = MintCli.commandLine(new ByteArrayInputStream(new byte[0]), new PrintWriter(help, true),
                    new PrintWriter(err, true));
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            assertThat(cli.execute(args)).as("%s --help", command).isZero();
            assertThat(help.toString()).as("%s --help", command).contains("Usage: mint " + command.get(0));
        }
    }

    @Test
    void shouldRejectAnUnknownTopicWithTheKnownNames(@TempDir Path dir) {
        int code = run("produce", "mint.nope", "--connection-file", dir.resolve("absent").toString());

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("unknown topic 'mint.nope'").contains("mint.rollout.requests")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldAskToStartThePlatformWhenNoConnectionIsKnown(@TempDir Path dir) {
        int code = run("consume", "mint.metrics", "--connection-file", dir.resolve("absent").toString());

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString()).contains("./mint up").doesNotContain("\tat ");
    }

    @Test
    void shouldReportAMissingArgumentAsAUsageError() {
        assertThat(run("consume")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("TOPIC");
    }

    @Test
    void shouldListBenchmarksOrSayThereAreNone() {
        assertThat(run("bench")).isZero();
        assertThat(out.toString()).containsAnyOf("benchmarks", "no benchmarks");
    }
}
