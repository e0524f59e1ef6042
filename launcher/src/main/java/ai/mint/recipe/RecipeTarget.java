package ai.mint.recipe;

import ai.mint.api.LoraConfig;
import ai.mint.api.ServiceClient;
import ai.mint.api.TrainingClient;
import ai.mint.client.KafkaServiceClient;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.training.local.LocalServiceClient;
import ai.mint.worker.ModelRuntime;
import ai.mint.worker.store.FilesystemAdapterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a recipe trains: in this process over a base model directory ({@code --local DIR}), or on a platform (the
 * embedded one of {@code mint up} or a remote one, found like every client command finds it). Either way the recipe
 * sees only the API's {@link ServiceClient}.
 */
final class RecipeTarget {

    @Option(names = "--local", paramLabel = "BASE_DIR",
            description = "Train in this process on the base model in BASE_DIR instead of on a platform.")
    Path local;

    @Option(names = "--base", paramLabel = "NAME",
            description = "Base model (default: the platform's first training base, or BASE_DIR's name).")
    String base;

    @Option(names = "--policy", paramLabel = "NAME", description = "Id of the new policy (default: generated).")
    String policy;

    @Option(names = "--lr", defaultValue = "0.02", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--rank", defaultValue = "8", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the LoRA's initialisation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for one call on a platform (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    ConnectionOptions connection;

    /** An open service and the base it trains on. */
    record Opened(ServiceClient service, String base, AutoCloseable resources) implements AutoCloseable {

        /** A new policy named {@code policyId} (null: a generated name) with the recipe's LoRA. */
        TrainingClient create(String policyId, LoraConfig lora) {
            if (policyId == null) {
                return service.createLoraTrainingClient(base, lora);
            }
            if (service instanceof KafkaServiceClient kafka) {
                return kafka.createLoraTrainingClient(base, lora, policyId);
            }
            return ((LocalServiceClient) service).createLoraTrainingClient(base, lora, policyId);
        }

        @Override
        public void close() throws Exception {
            service.close();
            resources.close();
        }
    }

    LoraConfig lora() {
        return LoraConfig.of(rank, seed);
    }

    Opened open() throws Exception {
        if (local != null) {
            if (!Files.isDirectory(local)) {
                throw new IllegalArgumentException("--local " + local + " is not a directory (a base model: "
                        + "config.json, model.safetensors, tokenizer.json)");
            }
            String name = base != null ? base : local.getFileName().toString();
            Path scratch = Files.createTempDirectory("mint-recipe-");
            ModelRuntime runtime = ModelRuntime.open(local, "cpu", new FilesystemAdapterStore(scratch.resolve("store")),
                    name);
            LocalServiceClient service = new LocalServiceClient(name, runtime.training(), scratch.resolve("checkpoints"));
            return new Opened(service, name, runtime);
        }
        KafkaServiceClient service = KafkaServiceClient.connect(connection.resolve(),
                Duration.ofSeconds(timeoutSeconds));
        String name = base;
        if (name == null) {
            List<String> bases = service.supportedBaseModels();
            if (bases.isEmpty()) {
                service.close();
                throw new IllegalStateException("no worker with the training role has reported a base model; start "
                        + "one (mint worker) or name the base with --base");
            }
            name = bases.get(0);
        }
        return new Opened(service, name, () -> { });
    }
}
