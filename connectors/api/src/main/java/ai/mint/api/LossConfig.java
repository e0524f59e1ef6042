package ai.mint.api;

/**
 * Knobs of the losses: the clip range of the importance ratio, {@code [1 - clipLow, 1 + clipHigh]}, used by ppo and
 * cispo; the weight of the KL penalty to the base model (k3 estimator; 0 turns it off and skips the adapter-free
 * forward); and dro's weight of the squared log-ratio to the sampling policy.
 */
public record LossConfig(double clipLow, double clipHigh, double klBeta, double droBeta) {

    /** dro's penalty weight unless told otherwise (Tinker's example value). */
    public static final double DEFAULT_DRO_BETA = 0.05;
    /** Clip 0.2 on both sides, no KL penalty, dro beta 0.05. */
    public static final LossConfig DEFAULT = new LossConfig(0.2, 0.2, 0.0, DEFAULT_DRO_BETA);
    /** Tinker's cispo default: no lower bound on the ratio, an upper bound of 4 ({@code [0, 4]}). */
    public static final LossConfig CISPO_DEFAULT = new LossConfig(1.0, 3.0, 0.0, DEFAULT_DRO_BETA);

    public LossConfig {
        if (!(clipLow >= 0 && clipLow <= 1) || !(clipHigh >= 0) || Double.isInfinite(clipHigh)) {
            throw new IllegalArgumentException("clip range must satisfy 0 <= clipLow <= 1 and 0 <= clipHigh < inf, got "
                    + clipLow + ", " + clipHigh);
        }
        if (!(klBeta >= 0) || Double.isInfinite(klBeta)) {
            throw new IllegalArgumentException("klBeta must be a finite number >= 0, got " + klBeta);
        }
        if (!(droBeta >= 0) || Double.isInfinite(droBeta)) {
            throw new IllegalArgumentException("droBeta must be a finite number >= 0, got " + droBeta);
        }
    }

    /** A clip range and KL weight with dro's default beta. */
    public LossConfig(double clipLow, double clipHigh, double klBeta) {
        this(clipLow, clipHigh, klBeta, DEFAULT_DRO_BETA);
    }

    public LossConfig withKlBeta(double beta) {
        return new LossConfig(clipLow, clipHigh, beta, droBeta);
    }

    public LossConfig withDroBeta(double beta) {
        return new LossConfig(clipLow, clipHigh, klBeta, beta);
    }
}
