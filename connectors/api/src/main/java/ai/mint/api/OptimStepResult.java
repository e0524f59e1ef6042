package ai.mint.api;

/** What an {@code optimStep} did: the policy's step count afterwards, its gradient norm and the learning rate used. */
public record OptimStepResult(long step, double gradNorm, double learningRate) {
}
