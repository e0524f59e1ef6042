package ai.mint.orchestration;

import ai.mint.common.cli.MintSubcommand;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mint orchestrator}: runs the training-loop orchestrator until interrupted. */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
        description = "Run the orchestrator (Kafka Streams) that drives every policy's rollout/update/export/eval loop"
                + " and its regression guard.")
public final class OrchestratorCommand implements Callable<Integer>, MintSubcommand {

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka brokers. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--registry-url", required = true, description = "Schema registry (Confluent REST API) URL.")
    String registryUrl;

    @Option(names = "--state-dir", defaultValue = "${sys:java.io.tmpdir}/mint-orchestrator",
            description = "Directory of the loop-state store. Default: ${DEFAULT-VALUE}.")
    String stateDir;

    @Option(names = "--application-id", defaultValue = "mint-orchestrator",
            description = "Kafka Streams application id. Default: ${DEFAULT-VALUE}.")
    String applicationId;

    @Override
    public Integer call() throws Exception {
        KafkaStreams streams = OrchestratorApp.create(new OrchestratorConfig(Map.of(
                OrchestratorConfig.BOOTSTRAP_SERVERS, bootstrapServers,
                OrchestratorConfig.REGISTRY_URL, registryUrl,
                OrchestratorConfig.STATE_DIR, stateDir,
                OrchestratorConfig.APPLICATION_ID, applicationId)));
        CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        streams.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OrchestratorApp.stop(streams), "mint-orchestrator-shutdown"));
        System.out.println("mint orchestrator running (application id " + applicationId + "); Ctrl-C stops it");
        return stopped.get() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
