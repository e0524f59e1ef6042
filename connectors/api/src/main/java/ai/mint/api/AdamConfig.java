package ai.mint.api;

/**
 * Hyper-parameters of one optimizer step, as in Tinker's {@code AdamConfig}: learning rate, betas, epsilon, decoupled
 * weight decay, and clipping of the policy's gradient by its global L2 norm (0 disables clipping).
 */
public record AdamConfig(double learningRate, double beta1, double beta2, double eps, double weightDecay,
                         double gradClipNorm) {

    public AdamConfig {
        check(learningRate >= 0 && Double.isFinite(learningRate), "learningRate must be finite and >= 0", learningRate);
        check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1)", beta1);
        check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1)", beta2);
        check(eps > 0 && Double.isFinite(eps), "eps must be finite and > 0", eps);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be finite and >= 0", weightDecay);
        check(gradClipNorm >= 0 && Double.isFinite(gradClipNorm), "gradClipNorm must be finite and >= 0", gradClipNorm);
    }

    /** Tinker's defaults (betas 0.9/0.95, eps 1e-12 is too small for fp32 here, so 1e-8), no decay, clip at 1. */
    public static AdamConfig of(double learningRate) {
        return new AdamConfig(learningRate, 0.9, 0.95, 1e-8, 0.0, 1.0);
    }

    public AdamConfig withLearningRate(double lr) {
        return new AdamConfig(lr, beta1, beta2, eps, weightDecay, gradClipNorm);
    }

    private static void check(boolean ok, String what, double got) {
        if (!ok) {
            throw new IllegalArgumentException("AdamConfig: " + what + ", got " + got);
        }
    }
}
