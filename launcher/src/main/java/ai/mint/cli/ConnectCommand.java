package ai.mint.cli;

import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.platform.ConnectRest;
import ai.mint.platform.ConnectWorkerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mint connect}: runs a Kafka Connect worker (distributed mode) on the running platform until Ctrl-C, with the
 * project's plugin loaded through {@code plugin.path}; its subcommands wrap the Connect REST API of any cluster.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Run a Kafka Connect worker (distributed mode, REST on 127.0.0.1) on the running platform, with "
                + "the project's connectors and converter, until Ctrl-C; prints connect.url=URL and writes it to the "
                + "connection file.",
                "Subcommands talk to a running Connect cluster: list, deploy FILE, status NAME, delete NAME."},
        subcommands = {ConnectCommand.ListConnectors.class, ConnectCommand.DeployConnector.class, ConnectCommand.ConnectorStatus.class,
                ConnectCommand.DeleteConnector.class})
public final class ConnectCommand implements Callable<Integer> {

    static final String ENV_CONNECT_URL = "MINT_CONNECT_URL";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${sys:mint.home:-.}/.mint/connect",
            description = "where the worker's properties and log go (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "REST port on 127.0.0.1 (default: a free one)")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        PlatformConnection platform = connection.resolve();
        ConnectWorkerProcess worker = ConnectWorkerProcess.start(platform,
                ConnectWorkerProcess.Settings.of(dataDir.toAbsolutePath()).withPort(port), Duration.ofSeconds(120));
        Path file = connection.connectionFile();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                worker.close();
                ConnectionFile.read(file).ifPresent(c -> ConnectionFile.write(c, file));
            } finally {
                stopped.countDown();
            }
        }, "mint-connect-shutdown"));
        ConnectionFile.read(file).ifPresent(c -> ConnectionFile.write(c, file,
                Map.of(ConnectionFile.CONNECT_URL, worker.url())));
        PrintWriter out = spec.commandLine().getOut();
        out.println(ConnectionFile.CONNECT_URL + "=" + worker.url());
        out.flush();
        spec.commandLine().getErr().println("Kafka Connect worker ready (pid " + worker.processHandle().pid()
                + ", log " + worker.log() + "); Ctrl-C stops it");
        spec.commandLine().getErr().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** Where the Connect REST API is: the option, else $MINT_CONNECT_URL, else the connection file. */
    static final class Target {
        @Option(names = "--connect-url", paramLabel = "URL",
                description = "Kafka Connect REST API (default: $" + ENV_CONNECT_URL + ", else connect.url in the "
                        + "connection file)")
        String connectUrl;

        @Option(names = "--connection-file", paramLabel = "FILE", defaultValue = ConnectionFile.DEFAULT_PATH,
                description = "file written by 'mint up' (default: ${DEFAULT-VALUE})")
        Path connectionFile;

        ConnectRest rest() {
            String url = connectUrl != null && !connectUrl.isBlank() ? connectUrl : System.getenv(ENV_CONNECT_URL);
            if (url == null || url.isBlank()) {
                url = ConnectionFile.address(connectionFile, ConnectionFile.CONNECT_URL).orElseThrow(() ->
                        new CliException("no Kafka Connect URL known: start a worker with ./mint connect or "
                                + "./mint up --connect, or pass --connect-url / set $" + ENV_CONNECT_URL,
                                ExitCodes.UNAVAILABLE));
            }
            return new ConnectRest(url.trim());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the deployed connectors with their state and their tasks' states.")
    static final class ListConnectors implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;

        @Override
        public Integer call() {
            ConnectRest rest = target.rest();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-32s %-10s %s%n", "NAME", "STATE", "TASKS");
            for (String name : rest.connectors()) {
                JsonNode status = rest.status(name);
                StringBuilder tasks = new StringBuilder();
                status.path("tasks").forEach(t -> tasks.append(tasks.isEmpty() ? "" : " ")
                        .append(t.path("id").asText()).append(':').append(t.path("state").asText()));
                out.printf("%-32s %-10s %s%n", name, status.path("connector").path("state").asText(),
                        tasks.isEmpty() ? "-" : tasks);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = {"Create a connector, or replace its configuration, from FILE: JSON as Connect's REST API "
                    + "takes it ({\"name\": ..., \"config\": {...}}) or a .properties file with name=... and the "
                    + "connector's settings.",
                    "Waits until it runs (--no-wait to return at once); a refused config prints Connect's reasons."})
    static final class DeployConnector implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;
        @Parameters(paramLabel = "FILE", description = "the connector's definition (.json or .properties)")
        Path file;
        @Option(names = "--no-wait", description = "return once Connect accepted the config")
        boolean noWait;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "how long to wait for RUNNING (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Override
        public Integer call() {
            Definition definition = Definition.read(file);
            ConnectRest rest = target.rest();
            JsonNode answer = rest.deploy(definition.name(), definition.config());
            int tasks = answer.path("tasks").size();
            PrintWriter out = spec.commandLine().getOut();
            if (!noWait) {
                rest.awaitRunning(definition.name(), Math.max(tasks, 1), Duration.ofSeconds(timeoutSeconds));
            }
            out.println("deployed " + definition.name() + " (" + definition.config().get("connector.class") + ")"
                    + (noWait ? "" : ": RUNNING"));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print a connector's status as Connect reports it (JSON: state, worker, tasks, traces).")
    static final class ConnectorStatus implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            JsonNode status = target.rest().status(name);
            spec.commandLine().getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status));
            spec.commandLine().getOut().flush();
            boolean failed = status.toString().contains("\"FAILED\"");
            return failed ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove a connector (its source offsets stay: deploying it again resumes where it was).")
    static final class DeleteConnector implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            target.rest().delete(name);
            spec.commandLine().getOut().println("deleted " + name);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** A connector's name and configuration, read from a JSON or properties file. */
    record Definition(String name, Map<String, String> config) {

        static Definition read(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new CliException("no such file: " + file, ExitCodes.USAGE);
            }
            try {
                return file.toString().endsWith(".properties") ? fromProperties(file) : fromJson(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        private static Definition fromJson(Path file) throws IOException {
            JsonNode root;
            try {
                root = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new CliException(file + " is not valid JSON: " + e.getMessage(), ExitCodes.USAGE);
            }
            String name = root.path("name").asText("");
            JsonNode config = root.path("config");
            if (name.isBlank() || !config.isObject()) {
                throw new CliException(file + " must be {\"name\": \"...\", \"config\": {...}} as Connect's REST API "
                        + "takes it", ExitCodes.USAGE);
            }
            Map<String, String> settings = new TreeMap<>();
            config.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            settings.putIfAbsent("name", name);
            return checked(file, name, settings);
        }

        private static Definition fromProperties(Path file) throws IOException {
            Properties props = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                props.load(in);
            }
            Map<String, String> settings = new TreeMap<>();
            props.stringPropertyNames().forEach(k -> settings.put(k, props.getProperty(k)));
            String name = settings.getOrDefault("name", "");
            if (name.isBlank()) {
                throw new CliException(file + " has no name=... line", ExitCodes.USAGE);
            }
            return checked(file, name, settings);
        }

        private static Definition checked(Path file, String name, Map<String, String> settings) {
            if (!settings.containsKey("connector.class")) {
                throw new CliException(file + " has no connector.class", ExitCodes.USAGE);
            }
            return new Definition(name, settings);
        }
    }
}
