package ai.mint.monitoring;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.config.SettingsOptions;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.monitoring.board.MonitorBoard;
import ai.mint.monitoring.board.MonitorFeed;
import ai.mint.monitoring.board.MonitorHttpServer;
import ai.mint.streams.StreamsRunner;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mint monitor}: runs the monitoring app until interrupted, with its query API over the monitoring topics.
 * It finds the platform like every command ({@link ConnectionOptions}); its settings are {@link MonitorConfig}'s.
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Run the monitoring app (Kafka Streams): windowed views of every policy and worker on "
                + "mint.monitor.policies / mint.monitor.workers, alerts on mint.alerts, and a query API.")
public final class MonitorCommand implements Callable<Integer>, MintSubcommand {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory of the windows' store (setting " + MonitorConfig.STATE_DIR + ").")
    String stateDir;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id (setting " + MonitorConfig.APPLICATION_ID + ").")
    String applicationId;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Port of the query API, 0 for a free one, -1 for none (setting " + MonitorConfig.HTTP_PORT
                    + ").")
    Integer port;

    /** The settings this command line names, with the connection resolved against {@code env}. */
    MonitorConfig config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(MonitorConfig.STATE_DIR, stateDir);
        dedicated.put(MonitorConfig.APPLICATION_ID, applicationId);
        dedicated.put(MonitorConfig.HTTP_PORT, port);
        Map<String, Object> values = settings.collect(MonitorConfig.DEFINITION, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return new MonitorConfig(values);
    }

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(MonitorConfig.DEFINITION);
            return 0;
        }
        MonitorConfig config = config(System.getenv());
        MonitorBoard board = new MonitorBoard(config.boardHistory, config.boardAlerts);
        MonitorFeed feed = null;
        MonitorHttpServer api = null;
        try {
            String banner = "mint monitor running (application id " + config.applicationId + ")";
            if (config.httpPort >= 0) {
                feed = MonitorFeed.start(config.connection, board, MonitorTopics.defaults(), config.boardAlerts);
                api = MonitorHttpServer.start(board, config.httpHost, config.httpPort);
                banner += "; query API at " + api.url();
            }
            return StreamsRunner.runUntilStopped(MonitorApp.create(config), config, config.shutdownTimeout,
                    "monitor", banner + "; Ctrl-C stops it");
        } finally {
            if (api != null) {
                api.close();
            }
            if (feed != null) {
                feed.close();
            }
        }
    }
}
