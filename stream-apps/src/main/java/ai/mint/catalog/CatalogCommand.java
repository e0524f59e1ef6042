package ai.mint.catalog;

import ai.mint.common.cli.MintSubcommand;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mint catalog}: runs one instance of the catalog app until interrupted. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Run the policy catalog (Kafka Streams) with its HTTP query API.")
public final class CatalogCommand implements Callable<Integer>, MintSubcommand {

    @Option(names = "--bootstrap-servers", defaultValue = CatalogConfig.BOOTSTRAP_SERVERS_DEFAULT,
            description = CatalogConfig.BOOTSTRAP_SERVERS_DOC + " Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--registry-url", required = true, description = CatalogConfig.REGISTRY_URL_DOC)
    String registryUrl;

    @Option(names = "--state-dir", defaultValue = "${sys:java.io.tmpdir}/mint-catalog",
            description = CatalogConfig.STATE_DIR_DOC + " Default: ${DEFAULT-VALUE}.")
    String stateDir;

    @Option(names = "--http-host", defaultValue = CatalogConfig.HTTP_HOST_DEFAULT,
            description = CatalogConfig.HTTP_HOST_DOC + " Default: ${DEFAULT-VALUE}.")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "" + CatalogConfig.HTTP_PORT_DEFAULT,
            description = CatalogConfig.HTTP_PORT_DOC + " Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--application-id", defaultValue = CatalogConfig.APPLICATION_ID_DEFAULT,
            description = CatalogConfig.APPLICATION_ID_DOC + " Default: ${DEFAULT-VALUE}.")
    String applicationId;

    @Option(names = "--retention-keep-last", defaultValue = "" + RetentionSettings.DEFAULT_KEEP_LAST,
            description = CatalogConfig.RETENTION_KEEP_LAST_DOC + " Default: ${DEFAULT-VALUE}.")
    int retentionKeepLast;

    @Option(names = "--retention-grace-ms", defaultValue = "" + RetentionSettings.DEFAULT_GRACE_MS,
            description = CatalogConfig.RETENTION_GRACE_MS_DOC + " Default: ${DEFAULT-VALUE}.")
    long retentionGraceMs;

    /** The options as a validated config. */
    CatalogConfig config() {
        Map<String, Object> values = new HashMap<>();
        values.put(CatalogConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        values.put(CatalogConfig.REGISTRY_URL, registryUrl);
        values.put(CatalogConfig.STATE_DIR, stateDir);
        values.put(CatalogConfig.HTTP_HOST, httpHost);
        values.put(CatalogConfig.HTTP_PORT, httpPort);
        values.put(CatalogConfig.APPLICATION_ID, applicationId);
        values.put(CatalogConfig.RETENTION_KEEP_LAST, retentionKeepLast);
        values.put(CatalogConfig.RETENTION_GRACE_MS, retentionGraceMs);
        return new CatalogConfig(values);
    }

    @Override
    public Integer call() throws Exception {
        RunningCatalog catalog = CatalogApp.start(config());
        Runtime.getRuntime().addShutdownHook(new Thread(catalog::close, "mint-catalog-shutdown"));
        System.out.println("mint catalog: queries at " + catalog.queryUrl() + "/policies");
        return catalog.stopped().get() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
