package ai.mint.gateway;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.config.SettingsOptions;
import ai.mint.common.connection.ConnectionOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mint gateway}: runs the OpenAI-compatible gateway until the JVM is asked to stop. It finds the platform like
 * every command ({@link ConnectionOptions}; the catalog's query API by {@code --catalog-url}, default
 * {@value GatewayConfig#CATALOG_URL_DEFAULT}); its settings are {@link GatewayConfig}'s, from {@code --config},
 * {@code --set} and the dedicated options.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the OpenAI-compatible HTTP gateway: /v1/completions, /v1/chat/completions (streamed or "
                + "not), /v1/models; model = POLICY or POLICY@REVISION; GET /metrics for Prometheus.")
public final class GatewayCommand implements MintSubcommand, Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--host", paramLabel = "HOST", description = GatewayConfig.HTTP_HOST_DOC
            + " (setting " + GatewayConfig.HTTP_HOST + ", default 127.0.0.1)")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = GatewayConfig.HTTP_PORT_DOC
            + " (setting " + GatewayConfig.HTTP_PORT + ", default " + GatewayConfig.HTTP_PORT_DEFAULT + ")")
    Integer port;

    @Option(names = "--api-keys", paramLabel = "FILE", description = "JSON file of API keys and their tenants "
            + "(setting " + GatewayConfig.API_KEYS_FILE + "; see --list-settings). Without it every request sees "
            + "every policy (development only).")
    Path apiKeys;

    @Option(names = "--gateway-id", paramLabel = "ID", description = GatewayConfig.GATEWAY_ID_DOC
            + " (setting " + GatewayConfig.GATEWAY_ID + ")")
    String gatewayId;

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(GatewayConfig.DEFINITION);
            return 0;
        }
        GatewayConfig config = config(System.getenv());
        CountDownLatch stop = new CountDownLatch(1);
        Gateway gateway = Gateway.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stop.countDown();
        }, "mint-gateway-shutdown"));
        System.out.println("mint gateway " + config.gatewayId + ": OpenAI API at " + gateway.url() + ", metrics at "
                + gateway.metricsUrl() + "; Ctrl-C stops it");
        stop.await();
        return 0;
    }

    /** The settings this command line names, with the connection resolved against {@code env}. */
    GatewayConfig config(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(GatewayConfig.HTTP_HOST, host);
        dedicated.put(GatewayConfig.HTTP_PORT, port);
        dedicated.put(GatewayConfig.API_KEYS_FILE, apiKeys == null ? null : apiKeys.toString());
        dedicated.put(GatewayConfig.GATEWAY_ID, gatewayId);
        Map<String, Object> values = settings.collect(GatewayConfig.DEFINITION, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return new GatewayConfig(values);
    }
}
