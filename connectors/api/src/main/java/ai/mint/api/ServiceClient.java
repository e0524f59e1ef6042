package ai.mint.api;

import java.util.List;

/**
 * Entry point of the training API, shaped like Tinker's {@code ServiceClient}: lists the resident base models and
 * creates training clients (one LoRA policy each) and sampling clients for exported revisions.
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

    /** A sampling client for an exported adapter ({@code mint://...} from saveWeightsForSampler). */
    SamplingClient createSamplingClient(String adapterUri);

    @Override
    void close();
}
