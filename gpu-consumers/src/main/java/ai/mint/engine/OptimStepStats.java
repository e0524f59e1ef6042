package ai.mint.engine;

/**
 * What one optimizer step of a policy did: the gradient's global norm before clipping, the scale applied to it (0 when
 * the step was skipped because the gradient was not finite), the learning rate used and the policy's optimizer step
 * count afterwards.
 */
public record OptimStepStats(double gradNorm, double clipScale, double learningRate, long step) {

    /** Whether the weights changed (a non-finite gradient skips the update and leaves them as they were). */
    public boolean applied() {
        return clipScale > 0;
    }
}
