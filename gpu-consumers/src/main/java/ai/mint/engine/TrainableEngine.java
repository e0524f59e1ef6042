package ai.mint.engine;

import ai.mint.api.AdamConfig;
import ai.mint.engine.lora.LoraWeights;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An {@link Engine} that also trains LoRA policies over its resident base, with no DJL type in sight: create a
 * policy (its factors go to the device once), forward/backward K policies' batches as one step, apply a policy's
 * optimizer step, save, read and restore training states, export the adapter. Generation samples from a policy's
 * current weights through its {@link TrainablePolicy#adapterId() adapter id}, in the same batches as serving
 * adapters. Training calls must come from one thread (PyTorch allows one gradient collector per process): the
 * training service's.
 */
public interface TrainableEngine extends Engine {

    /** Opens the engine on {@code config}'s base model (DJL PyTorch). */
    static TrainableEngine open(EngineConfig config) {
        return LoraEngine.open(config);
    }

    /** A new policy whose factors start as {@code initial} (copied to the device once). */
    TrainablePolicy createPolicy(String policyId, LoraWeights initial);

    /**
     * One forward/backward over the rows of every batch, in micro-batches of at most {@code budget}: each policy's
     * gradient accumulates on its own factors as if it had been trained alone. Policies must be distinct. On failure
     * no policy's gradients change. Results come back in the order of {@code work}.
     */
    default List<PolicyStepResult> forwardBackward(List<PolicyBatch> work, MicroBatchBudget budget) {
        return forwardBackward(work, budget, () -> { });
    }

    /**
     * As {@link #forwardBackward(List, MicroBatchBudget)}, running {@code betweenPasses} on the calling thread after
     * every micro-batch but the last, while no gradient collector is open: the model thread serves inference there,
     * so that a request arriving during a step waits for one micro-batch, not for the whole step.
     */
    List<PolicyStepResult> forwardBackward(List<PolicyBatch> work, MicroBatchBudget budget, Runnable betweenPasses);

    /**
     * The same passes as {@link #forwardBackward} without a gradient: each policy's loss and target log-probs on its
     * current weights. No policy's accumulated gradients change.
     */
    List<PolicyStepResult> forward(List<PolicyBatch> work, MicroBatchBudget budget);

    /** Applies the policy's accumulated gradients with its own Adam state, in place, and clears them. */
    OptimStepStats optimStep(TrainablePolicy policy, AdamConfig params);

    /** Drops the gradients accumulated since the last optimizer step. */
    void discardGradients(TrainablePolicy policy);

    /**
     * Writes the policy's resumable state (factors, Adam moments and step, LoRA shape) into {@code dir}, with
     * {@code metadata} beside the engine's own entries; returns the file.
     */
    Path saveTrainingState(TrainablePolicy policy, Path dir, Map<String, String> metadata);

    /** Reads and checks a state written by {@link #saveTrainingState}; nothing is restored yet. */
    TrainingCheckpoint readTrainingState(Path dir);

    /**
     * Puts a checkpoint's factors into the policy (same rank and targets) and, with {@code withOptimizer}, its Adam
     * moments and step; without, the optimizer starts fresh. Gradients accumulated before are dropped. Everything is
     * checked before the policy changes.
     */
    void restoreTrainingState(TrainablePolicy policy, TrainingCheckpoint checkpoint, boolean withOptimizer);

    /** The policy's current factors in Java memory (for a PEFT export): the one copy off the device. */
    LoraWeights exportWeights(TrainablePolicy policy);
}
