package ai.mint.api;

/**
 * Knobs of the policy-gradient losses: the PPO clip range around ratio 1 and the weight of the KL penalty to the
 * base model (k3 estimator; 0 turns it off and skips the adapter-free forward).
 */
public record LossConfig(double clipLow, double clipHigh, double klBeta) {

    public static final LossConfig DEFAULT = new LossConfig(0.2, 0.2, 0.0);

    public LossConfig {
        if (!(clipLow >= 0 && clipLow < 1) || !(clipHigh >= 0) || Double.isInfinite(clipHigh)) {
            throw new IllegalArgumentException("clip range must satisfy 0 <= clipLow < 1 and 0 <= clipHigh < inf, got "
                    + clipLow + ", " + clipHigh);
        }
        if (!(klBeta >= 0) || Double.isInfinite(klBeta)) {
            throw new IllegalArgumentException("klBeta must be a finite number >= 0, got " + klBeta);
        }
    }

    public LossConfig withKlBeta(double beta) {
        return new LossConfig(clipLow, clipHigh, beta);
    }
}
