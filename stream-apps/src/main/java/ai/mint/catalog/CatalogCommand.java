package ai.mint.catalog;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.config.SettingsOptions;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.streams.StreamsMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mint catalog}: runs one instance of the catalog app until interrupted. It finds the platform like every
 * command ({@link ConnectionOptions}); its settings are {@link CatalogConfig}'s, from {@code --config}, {@code --set}
 * and the dedicated options.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Run the policy catalog (Kafka Streams) with its HTTP query API.")
public final class CatalogCommand implements Callable<Integer>, MintSubcommand {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--state-dir", paramLabel = "DIR", description = CatalogConfig.STATE_DIR_DOC
            + " (setting " + CatalogConfig.STATE_DIR + ")")
    String stateDir;

    @Option(names = "--http-host", paramLabel = "HOST", description = CatalogConfig.HTTP_HOST_DOC
            + " (setting " + CatalogConfig.HTTP_HOST + ")")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", description = CatalogConfig.HTTP_PORT_DOC
            + " (setting " + CatalogConfig.HTTP_PORT + ")")
    Integer httpPort;

    @Option(names = "--application-id", paramLabel = "ID", description = CatalogConfig.APPLICATION_ID_DOC
            + " (setting " + CatalogConfig.APPLICATION_ID + ")")
    String applicationId;

    @Option(names = "--retention-keep-last", defaultValue = "" + RetentionSettings.DEFAULT_KEEP_LAST,
            description = CatalogConfig.RETENTION_KEEP_LAST_DOC + " Default: ${DEFAULT-VALUE}.")
    int retentionKeepLast;

    @Option(names = "--retention-grace-ms", defaultValue = "" + RetentionSettings.DEFAULT_GRACE_MS,
            description = CatalogConfig.RETENTION_GRACE_MS_DOC + " Default: ${DEFAULT-VALUE}.")
    long retentionGraceMs;

    /** The settings this command line names, with the connection resolved against {@code env}. */
    CatalogConfig config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(CatalogConfig.STATE_DIR, stateDir);
        dedicated.put(CatalogConfig.HTTP_HOST, httpHost);
        dedicated.put(CatalogConfig.HTTP_PORT, httpPort);
        dedicated.put(CatalogConfig.APPLICATION_ID, applicationId);
        dedicated.put(CatalogConfig.RETENTION_KEEP_LAST, retentionKeepLast);
        dedicated.put(CatalogConfig.RETENTION_GRACE_MS, retentionGraceMs);
        Map<String, Object> values = settings.collect(CatalogConfig.DEFINITION, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return new CatalogConfig(values);
    }

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(CatalogConfig.DEFINITION);
            return 0;
        }
        CatalogConfig config = config(System.getenv());
        RunningCatalog catalog = CatalogApp.start(config);
        ServiceMetrics metrics = StreamsMetrics.start("catalog", config, catalog.streams());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            catalog.close();
            metrics.close();
        }, "mint-catalog-shutdown"));
        System.out.println("mint catalog: queries at " + catalog.queryUrl() + "/policies"
                + metrics.url().map(url -> ", metrics at " + url).orElse(""));
        return catalog.stopped().get() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
