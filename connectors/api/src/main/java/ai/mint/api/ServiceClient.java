package ai.mint.api;

import java.util.List;

/**
 * Entry point of the training API, shaped like Tinker's {@code ServiceClient}: lists the resident base models and
 * creates training clients (one LoRA policy each, registered in the catalog), sampling clients for exported
 * checkpoints and the rest-style checkpoint client.
 */
public interface ServiceClient extends AutoCloseable {

    /** Base models this service keeps resident. */
    List<String> supportedBaseModels();

    /** Creates a new LoRA policy over {@code baseModel} and returns the client that trains it. */
    TrainingClient createLoraTrainingClient(String baseModel, LoraConfig lora);

    /** {@link #createLoraTrainingClient(String, LoraConfig)} with default alpha, targets and seed. */
    default TrainingClient createLoraTrainingClient(String baseModel, int rank) {
        return createLoraTrainingClient(baseModel, LoraConfig.of(rank, 0L));
    }

    /**
     * Tinker's {@code create_lora_training_client(base_model, rank, seed, train_mlp, train_attn, train_unembed)};
     * see {@link LoraConfig#of(int, long, boolean, boolean, boolean)} (train_unembed is refused).
     */
    default TrainingClient createLoraTrainingClient(String baseModel, int rank, long seed, boolean trainMlp,
                                                    boolean trainAttn, boolean trainUnembed) {
        return createLoraTrainingClient(baseModel, LoraConfig.of(rank, seed, trainMlp, trainAttn, trainUnembed));
    }

    /** A sampling client for an exported adapter ({@code mint://POLICY/sampler/NAME} from saveWeightsForSampler). */
    SamplingClient createSamplingClient(String adapterUri);

    /** The rest-style client: list and delete checkpoints. */
    RestClient createRestClient();

    @Override
    void close();
}
