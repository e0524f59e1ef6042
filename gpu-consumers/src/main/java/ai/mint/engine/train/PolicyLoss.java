package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;

/**
 * Computes the training loss of a batch whose rows belong to several policies. Each policy's loss is the
 * weighted mean of its own per-token losses (token-level averaging), and the batch loss is the plain sum over
 * policies: since a policy's adapter only touches its own rows, the gradient of the sum with respect to that adapter
 * is exactly the gradient of its own mean loss, as if it had been trained alone.
 */
final class PolicyLoss {

    private PolicyLoss() {
    }

    /**
     * The batch loss to back-propagate, and per policy (detached, for reporting): its mean loss, its mean k3 KL to
     * the base (null when no base log-probs were given) and its total token weight.
     */
    public record Result(NDArray total, double[] perPolicyLoss, double[] perPolicyKl, double[] perPolicyTokens) {
    }

    /**
     * Per-token losses {@code [rows, tokens]}, already multiplied by the weights.
     */
    public static NDArray perToken(LossFunction fn, LossConfig config, TokenLossInputs in) {
        NDArray weights = in.weights();
        NDArray loss;
        fn = fn.canonical(); // GRPO is PPO by definition, so it cannot drift from it
        if (fn == LossFunction.CROSS_ENTROPY) {
            loss = in.logprobs().neg();
        } else {
            if (in.samplingLogprobs() == null || in.advantages() == null) {
                throw new IllegalArgumentException(fn.wireName() + " needs sampling log-probs and advantages");
            }
            NDArray logRatio = in.logprobs().sub(in.samplingLogprobs());
            NDArray ratio = logRatio.exp();
            NDArray advantages = in.advantages();
            loss = switch (fn) {
                case IMPORTANCE_SAMPLING -> ratio.mul(advantages).neg();
                case PPO -> NDArrays.minimum(ratio.mul(advantages),
                        ratio.clip(1.0 - config.clipLow(), 1.0 + config.clipHigh()).mul(advantages)).neg();
                // the clipped ratio is a constant weight on log p: no gradient flows through it, none is zeroed
                case CISPO -> ratio.clip(1.0 - config.clipLow(), 1.0 + config.clipHigh()).stopGradient()
                        .mul(advantages).mul(in.logprobs()).neg();
                // -(log p * A - beta / 2 * (log p - log q)^2); the scalar is an array: it is differentiated through
                case DRO -> in.logprobs().mul(advantages).neg().add(logRatio.mul(logRatio)
                        .mul(weights.getManager().create((float) (0.5 * config.droBeta()))));
                default -> throw new IllegalArgumentException("no per-token loss for " + fn.wireName());
            };
        }
        if (config.klBeta() > 0) {
            // not mul(Number): DJL makes that scalar from a Java buffer and frees it at once, while autograd keeps
            // it for backward; a garbage collection in between then scales the gradient by whatever reused the memory
            NDArray beta = weights.getManager().create((float) config.klBeta());
            loss = loss.add(klK3(in).mul(beta));
        }
        return loss.mul(weights);
    }

    /**
     * The k3 estimator of KL(policy || base) per token: {@code exp(d) - d - 1} with {@code d = base - policy}; it is
     * non-negative and unbiased for samples drawn from the policy.
     */
    public static NDArray klK3(TokenLossInputs in) {
        if (in.baseLogprobs() == null) {
            throw new IllegalArgumentException("the KL penalty needs the base log-probs (forward with the adapter disabled)");
        }
        NDArray d = in.baseLogprobs().sub(in.logprobs());
        return d.exp().sub(d).sub(1.0);
    }

    /**
     * Sums the per-policy token-mean losses of one loss function over all rows.
     *
     * @param rowPolicy   for each row, the index (0..numPolicies-1) of the policy it belongs to
     * @param numPolicies how many policies share the batch
     */
    public static Result reduce(LossFunction fn, LossConfig config, TokenLossInputs in, int[] rowPolicy, int numPolicies) {
        Shape shape = in.logprobs().getShape();
        if (shape.dimension() != 2 || shape.get(0) != rowPolicy.length) {
            throw new IllegalArgumentException("log-probs must be [rows, tokens] with " + rowPolicy.length
                    + " rows, got " + shape);
        }
        NDArray kl = in.baseLogprobs() == null ? null : klK3(in).mul(in.weights());
        RowScales scales = RowScales.of(in.weights().sum(new int[]{1}).toFloatArray(), rowPolicy, numPolicies);
        return reduceTokens(perToken(fn, config, in), kl, rowPolicy, scales);
    }

    /**
     * How much each row's summed token loss counts: 1 / (total token weight of its policy in the whole step), so that
     * summing rows gives each policy's token mean. Computed once per step, it also lets a step be split into
     * several passes whose losses add up to exactly the same total.
     */
    public record RowScales(float[] scale, double[] tokensPerPolicy) {

        public static RowScales of(float[] rowWeightSums, int[] rowPolicy, int numPolicies) {
            double[] tokens = new double[numPolicies];
            for (int r = 0; r < rowPolicy.length; r++) {
                if (rowPolicy[r] < 0 || rowPolicy[r] >= numPolicies) {
                    throw new IllegalArgumentException("row " + r + " names policy " + rowPolicy[r] + " of " + numPolicies);
                }
                tokens[rowPolicy[r]] += rowWeightSums[r];
            }
            float[] scale = new float[rowPolicy.length];
            for (int r = 0; r < rowPolicy.length; r++) {
                double n = tokens[rowPolicy[r]];
                scale[r] = n > 0 ? (float) (1.0 / n) : 0f; // a policy with no live tokens contributes nothing
            }
            return new RowScales(scale, tokens);
        }

        /** The scales of rows {@code from..to-1}. */
        public float[] slice(int from, int to) {
            return java.util.Arrays.copyOfRange(scale, from, to);
        }
    }

    /**
     * Sums per-token losses already weighted ({@link #perToken}) with the given row scales, e.g. when policies in one
     * batch use different loss functions.
     *
     * @param weightedKl per-token weighted k3 KL for reporting, or null
     * @param rowPolicy  policy index of each row of {@code perToken}
     * @param scales     the scales of exactly these rows; {@code tokensPerPolicy} covers the whole step
     */
    public static Result reduceTokens(NDArray perToken, NDArray weightedKl, int[] rowPolicy, RowScales scales) {
        int numPolicies = scales.tokensPerPolicy().length;
        NDArray rowLoss = perToken.sum(new int[]{1}); // [rows]
        NDArray total = rowLoss.mul(perToken.getManager().create(scales.scale())).sum();
        double[] perPolicyLoss = perPolicyMean(rowLoss.toFloatArray(), scales.scale(), rowPolicy, numPolicies);
        double[] perPolicyKl = weightedKl == null ? null
                : perPolicyMean(weightedKl.sum(new int[]{1}).toFloatArray(), scales.scale(), rowPolicy, numPolicies);
        return new Result(total, perPolicyLoss, perPolicyKl, scales.tokensPerPolicy());
    }

    private static double[] perPolicyMean(float[] rowSums, float[] rowScale, int[] rowPolicy, int numPolicies) {
        double[] out = new double[numPolicies];
        for (int r = 0; r < rowPolicy.length; r++) {
            out[rowPolicy[r]] += (double) rowSums[r] * rowScale[r];
        }
        return out;
    }
}
