package ai.mint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command that talks to the platform finds it the one way, and takes Kafka client properties. */
class ConnectionLayerTest {

    private static final Set<String> CONNECTION_OPTIONS = Set.of("--bootstrap-servers", "--schema-registry-url",
            "--catalog-url", "--connection-file", "--kafka", "--kafka-config");
    /**
     * Commands that start their own platform (every benchmark too) or talk to none; {@code mint connect list|deploy|
     * status|delete} talk only to the Connect REST API ({@code --connect-url}, else connect.url in the connection file).
     */
    private static final Set<String> STANDALONE = Set.of("mint", "up", "bench", "quickstart", "smoke", "schemas",
            "check", "release", "base", "init", "pretrain", "generate", "help", "list", "deploy", "status", "delete",
            "chaos", "soak"); // chaos and soak start a cluster of their own

    @Test
    void shouldResolveTopicsCommandFromFlagThenEnvironmentThenFileWithKafkaPropertiesReachingTheAdmin(
            @TempDir Path dir) {
        Path file = dir.resolve("connection");
        ConnectionFile.write(new PlatformConnection("file:9092", "http://file/apis/ccompat/v7", null, null,
                Map.of("security.protocol", "SASL_SSL")), file);

        PlatformConnection fromFile = topics("--connection-file", file.toString()).resolve(Map.of(), false);
        PlatformConnection fromEnv = topics("--connection-file", file.toString())
                .resolve(Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092"), false);
        PlatformConnection fromFlag = topics("--connection-file", file.toString(), "--bootstrap-servers", "flag:9092",
                "--kafka", "security.protocol=SSL").resolve(Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092"), false);

        assertThat(KafkaClients.of(fromFile).adminConfig("a")).containsEntry("bootstrap.servers", "file:9092")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(KafkaClients.of(fromEnv).adminConfig("a")).containsEntry("bootstrap.servers", "env:9092")
                .doesNotContainKey("security.protocol");
        assertThat(KafkaClients.of(fromFlag).adminConfig("a")).containsEntry("bootstrap.servers", "flag:9092")
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldOfferTheSameConnectionOptionsOnEveryCommandThatConnects() {
        CommandLine root = MintCli.commandLine(new ByteArrayInputStream(new byte[0]),
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> connecting = new ArrayList<>();
        visit(root, "", connecting);

        // every module's commands that reach the platform (launcher, client, stream apps, worker)
        assertThat(connecting).contains("topics", "produce", "consume", "policy create", "policy list", "train",
                "promote", "rollback", "sample", "catalog", "orchestrator", "feedback", "worker", "monitor", "top");
    }

    private static void visit(CommandLine command, String path, List<String> connecting) {
        String name = command.getCommandName();
        String here = path.isEmpty() ? (name.equals("mint") ? "" : name) : path + " " + name;
        Set<String> options = new java.util.HashSet<>();
        command.getCommandSpec().options().forEach(o -> options.addAll(List.of(o.names())));
        if (options.contains("--bootstrap-servers") && !name.equals("up")) {
            assertThat(options).as("options of mint %s", here).containsAll(CONNECTION_OPTIONS);
            connecting.add(here);
        } else if (command.getSubcommands().isEmpty()) {
            assertThat(STANDALONE).as("mint %s reaches no platform: it should take the connection options, or be "
                    + "listed as standalone here", here).contains(name);
        }
        if (!name.equals("bench")) {
            command.getSubcommands().values().forEach(sub -> visit(sub, here, connecting));
        }
    }

    private static ConnectionOptions topics(String... args) {
        TopicsCommand command = new TopicsCommand();
        new CommandLine(command).parseArgs(args);
        return command.connection;
    }
}
