package ai.mint.monitoring;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.monitoring.board.AlertRow;
import ai.mint.monitoring.board.MonitorBoard;
import ai.mint.monitoring.board.MonitorFeed;
import ai.mint.monitoring.board.MonitorSnapshot;
import ai.mint.monitoring.board.PolicyRow;
import ai.mint.monitoring.board.TopFrame;
import ai.mint.monitoring.board.WorkerRow;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mint top}: a live terminal view of the monitoring topics (or of a monitor's query API with
 * {@code --monitor-url}), redrawn in place every {@code --interval} seconds; {@code --once} prints one frame without
 * escape codes and exits.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Live view of workers, the busiest policies and recent alerts, from the monitoring app's topics.")
public final class TopCommand implements Callable<Integer>, MintSubcommand {

    private static final Duration CATCH_UP = Duration.ofSeconds(20);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--monitor-url", paramLabel = "URL",
            description = "Read a running monitor's query API (e.g. http://127.0.0.1:7071) instead of the topics.")
    String monitorUrl;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "Seconds between two frames (default ${DEFAULT-VALUE}).")
    double intervalSeconds;

    @Option(names = "--once", description = "Print one frame and exit.")
    boolean once;

    @Option(names = "--policies", paramLabel = "N", defaultValue = "10",
            description = "Policies shown (default ${DEFAULT-VALUE}).")
    int policies;

    @Option(names = "--alerts", paramLabel = "N", defaultValue = "5",
            description = "Alerts shown (default ${DEFAULT-VALUE}).")
    int alerts;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (monitorUrl != null) {
            return loop(out, new ApiSource(monitorUrl.replaceAll("/+$", "")));
        }
        MonitorBoard board = new MonitorBoard(TopFrame.SPARK_HISTORY, Math.max(alerts, 1));
        try (MonitorFeed feed = MonitorFeed.start(connection.resolve(System.getenv(), true), board,
                MonitorTopics.defaults(), Math.max(alerts, 1))) {
            if (!feed.awaitCaughtUp(CATCH_UP)) {
                System.err.println("mint top: the monitoring topics were not read to their end within "
                        + CATCH_UP.toSeconds() + " s; showing what was read");
            }
            return loop(out, () -> board.snapshot(policies, alerts));
        }
    }

    private int loop(PrintStream out, Source source) throws Exception {
        while (true) {
            String frame = TopFrame.render(source.snapshot(), System.currentTimeMillis());
            if (once) {
                out.print(frame);
                return 0;
            }
            out.print(TopFrame.redraw(frame));
            Thread.sleep((long) (intervalSeconds * 1000));
        }
    }

    /** Where a frame's rows come from. */
    private interface Source {
        MonitorSnapshot snapshot() throws IOException, InterruptedException;
    }

    /** A running monitor's query API. */
    private final class ApiSource implements Source {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final ObjectMapper json = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        private final String base;

        ApiSource(String base) {
            this.base = base;
        }

        @Override
        public MonitorSnapshot snapshot() throws IOException, InterruptedException {
            return new MonitorSnapshot(get("/policies/top?limit=" + Math.max(policies, 1), new TypeReference<List<PolicyRow>>() {
            }), get("/workers", new TypeReference<List<WorkerRow>>() {
            }), alerts < 1 ? List.of() : get("/alerts?limit=" + alerts, new TypeReference<List<AlertRow>>() {
            }));
        }

        private <T> T get(String path, TypeReference<T> type) throws IOException, InterruptedException {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("GET " + base + path + " answered " + answer.statusCode() + ": "
                        + answer.body());
            }
            return json.readValue(answer.body(), type);
        }
    }
}
