package ai.mint.catalog;

import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.streams.StreamsAppCommand;
import ai.mint.streams.StreamsMetrics;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint catalog}: runs one instance of the catalog app, with its query API, until interrupted. Its settings
 * are {@link CatalogConfig}'s (see {@link StreamsAppCommand}), with options of its own for the API and retention.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Run the policy catalog (Kafka Streams) with its HTTP query API.")
public final class CatalogCommand extends StreamsAppCommand<CatalogConfig> {

    @Option(names = "--http-host", paramLabel = "HOST", description = CatalogConfig.HTTP_HOST_DOC
            + " (setting " + CatalogConfig.HTTP_HOST + ")")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", description = CatalogConfig.HTTP_PORT_DOC
            + " (setting " + CatalogConfig.HTTP_PORT + ")")
    Integer httpPort;

    @Option(names = "--retention-keep-last", defaultValue = "" + RetentionSettings.DEFAULT_KEEP_LAST,
            description = CatalogConfig.RETENTION_KEEP_LAST_DOC + " Default: ${DEFAULT-VALUE}.")
    int retentionKeepLast;

    @Option(names = "--retention-grace-ms", defaultValue = "" + RetentionSettings.DEFAULT_GRACE_MS,
            description = CatalogConfig.RETENTION_GRACE_MS_DOC + " Default: ${DEFAULT-VALUE}.")
    long retentionGraceMs;

    public CatalogCommand() {
        super("catalog", CatalogConfig.DEFINITION, CatalogConfig::new);
    }

    @Override
    protected void putDedicated(Map<String, Object> dedicated) {
        dedicated.put(CatalogConfig.HTTP_HOST, httpHost);
        dedicated.put(CatalogConfig.HTTP_PORT, httpPort);
        dedicated.put(CatalogConfig.RETENTION_KEEP_LAST, retentionKeepLast);
        dedicated.put(CatalogConfig.RETENTION_GRACE_MS, retentionGraceMs);
    }

    @Override
    protected int run(CatalogConfig config) throws Exception {
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
