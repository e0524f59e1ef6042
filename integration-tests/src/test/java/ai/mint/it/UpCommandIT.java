package ai.mint.it;

import ai.mint.cli.ExitCodes;
import ai.mint.cli.MintCli;
import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.LoopbackPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * {@code mint up} as a user runs it: in its own JVM, stopped with SIGTERM; and pointed at an existing cluster and
 * registry, where it has nothing to run and must return at once.
 */
@ExtendWith(SharedPlatform.class)
class UpCommandIT {

    private static final Pattern REGISTRY_PID = Pattern.compile("schema registry pid (\\d+)");
    /** 128 + SIGTERM: how a JVM ends when SIGTERM ran its shutdown hooks. */
    private static final int EXIT_ON_SIGTERM = 143;

    @Test
    void shouldStopBrokerRegistryAndConnectionFileOnSigterm(@TempDir Path dir) throws Exception {
        Path connectionFile = dir.resolve("connection");
        Path stderr = dir.resolve("up.err");
        Process up = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), MintCli.class.getName(),
                "up", "--data-dir", dir.resolve("data").toString(), "--connection-file", connectionFile.toString())
                .redirectError(stderr.toFile()).start();
        List<ProcessHandle> registries = List.of();
        try {
            List<String> stdout = collectLines(up);
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() ->
                    stdout.size() >= 2 || !up.isAlive());
            assertThat(stdout).as("stdout of 'mint up'; stderr:%n%s", read(stderr)).hasSize(2);
            PlatformConnection printed = parse(stdout);
            assertThat(ConnectionFile.read(connectionFile)).as("connection file").contains(printed);

            await().atMost(Duration.ofSeconds(10)).until(() -> REGISTRY_PID.matcher(read(stderr)).find());
            registries = up.toHandle().children().toList();
            assertThat(registries).as("child processes of 'mint up'").hasSize(1);
            assertThat(registries.get(0).pid()).as("the registry pid 'mint up' reported")
                    .isEqualTo(reportedRegistryPid(read(stderr)));
            int kafkaPort = URI.create("kafka://" + printed.bootstrapServers()).getPort();
            int registryPort = URI.create(printed.schemaRegistryUrl()).getPort();

            up.destroy();

            assertThat(up.waitFor(20, TimeUnit.SECONDS)).as("'mint up' ended within 20 s of SIGTERM").isTrue();
            assertThat(up.exitValue()).as("exit code; stderr:%n%s", read(stderr)).isIn(ExitCodes.OK, EXIT_ON_SIGTERM);
            assertThat(connectionFile).as("connection file after stop").doesNotExist();
            assertThat(registries.get(0).isAlive()).as("registry process after stop").isFalse();
            assertThat(List.of(kafkaPort, registryPort)).as("ports after stop").allMatch(LoopbackPorts::isFree);
        } finally {
            up.destroyForcibly();
            registries.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void shouldCheckTopicsPrintTheAddressesAndExitWhenBothPartsAreExternal(EmbeddedPlatform running, @TempDir Path dir)
            throws Exception {
        Path connectionFile = dir.resolve("connection");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ChildProcessWatch watch = ChildProcessWatch.start();

        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MintCli.commandLine(
                new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("up", "--bootstrap-servers", running.bootstrapServers(),
                        "--schema-registry-url", running.schemaRegistryUrl(),
                        "--data-dir", dir.resolve("unused").toString(),
                        "--connection-file", connectionFile.toString()),
                "'mint up' with both parts external must return, not wait for Ctrl-C");

        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).isEqualTo(ConnectionFile.addressLines(running.connection()));
        assertThat(err.toString()).contains("nothing was started");
        assertThat(watch.stop()).as("processes started").isEmpty();
        assertThat(dir.resolve("unused")).as("data directory").doesNotExist();
        assertThat(connectionFile).as("connection file").doesNotExist();
        assertThat(running.registryProcess().orElseThrow().processHandle().isAlive()).isTrue();
    }

    private static List<String> collectLines(Process process) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended; what was read is kept
            }
        }, "test-up-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static PlatformConnection parse(List<String> lines) {
        assertThat(lines.get(0)).startsWith(PlatformConnection.BOOTSTRAP_SERVERS + "=");
        assertThat(lines.get(1)).startsWith(PlatformConnection.SCHEMA_REGISTRY_URL + "=");
        return PlatformConnection.of(lines.get(0).substring(lines.get(0).indexOf('=') + 1),
                lines.get(1).substring(lines.get(1).indexOf('=') + 1));
    }

    private static long reportedRegistryPid(String stderr) {
        Matcher m = REGISTRY_PID.matcher(stderr);
        assertThat(m.find()).as("registry pid in stderr").isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
