package ai.mint.engine;

import ai.mint.engine.model.Projection;

import java.util.Set;

/**
 * A LoRA policy being trained by a {@link TrainableEngine}: a handle on its device-resident factors, their
 * accumulated gradients and its optimizer state, none of which leave the device during training. Generation requests
 * name {@link #adapterId()} to sample from its current weights. Closing it frees its device memory.
 */
public interface TrainablePolicy extends AutoCloseable {

    String policyId();

    /** The adapter id a {@link GenerationRequest} names to sample from this policy's current weights. */
    String adapterId();

    int rank();

    float alpha();

    /** Whether the adapter scales by alpha / sqrt(rank) (rsLoRA) instead of alpha / rank. */
    boolean rsLora();

    Set<Projection> targets();

    /** Size of the base's vocabulary: every token of this policy's data must be below it. */
    int vocabSize();

    /** Optimizer steps applied to the current weights (restored with a checkpoint's optimizer). */
    long optimizerSteps();

    /** Whether gradients have been accumulated since the last optimizer step. */
    boolean hasGradients();

    /** How often the factors were copied to Java memory (exports and saved states; never a training step). */
    long hostCopies();

    /** Frees the policy's device memory; the engine forgets it. Idempotent. */
    @Override
    void close();
}
