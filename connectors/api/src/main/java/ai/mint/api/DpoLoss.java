package ai.mint.api;

import java.util.List;
import java.util.Map;

/**
 * Direct Preference Optimization (Rafailov et al., 2023) as a {@link CustomLoss}: the batch holds pairs, datum
 * {@code 2i} the chosen and {@code 2i+1} the rejected completion of one prompt (weights 1 on the completion), and
 * {@code referenceLogprobs} their log-probs under the reference (the policy before DPO, e.g. from a
 * {@link TrainingClient#forward} at the start). The loss is the pairs' mean of
 * {@code -log sigmoid(beta * ((c - c_ref) - (r - r_ref)))}, where c and r are the summed weighted log-probs of the
 * chosen and rejected completions. Run it with {@link TrainingClient#forwardBackwardCustom}.
 */
public final class DpoLoss implements CustomLoss {

    private final double beta;
    private final float[][] referenceLogprobs;

    public DpoLoss(double beta, float[][] referenceLogprobs) {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("DPO beta must be a finite number > 0, got " + beta);
        }
        this.beta = beta;
        this.referenceLogprobs = referenceLogprobs.clone();
    }

    @Override
    public Result compute(List<Datum> data, float[][] logprobs) {
        if (data.isEmpty() || data.size() % 2 != 0) {
            throw new IllegalArgumentException("DPO needs pairs (chosen, rejected), got " + data.size() + " datums");
        }
        if (referenceLogprobs.length != data.size()) {
            throw new IllegalArgumentException("DPO has reference log-probs for " + referenceLogprobs.length
                    + " datums, the batch has " + data.size());
        }
        int pairs = data.size() / 2;
        float[][] gradients = new float[data.size()][];
        double loss = 0;
        double margin = 0;
        int preferred = 0;
        for (int p = 0; p < pairs; p++) {
            int c = 2 * p;
            int r = c + 1;
            double z = beta * ((sum(data.get(c), logprobs[c]) - sum(data.get(c), referenceLogprobs[c]))
                    - (sum(data.get(r), logprobs[r]) - sum(data.get(r), referenceLogprobs[r])));
            loss += softplus(-z) / pairs; // -log sigmoid(z)
            margin += z / beta / pairs;
            preferred += z > 0 ? 1 : 0;
            // d/dz of -log sigmoid(z) is -sigmoid(-z); dz/dc_t = beta w_t, dz/dr_t = -beta w_t
            double coefficient = -beta * sigmoid(-z) / pairs;
            gradients[c] = scaled(data.get(c), coefficient);
            gradients[r] = scaled(data.get(r), -coefficient);
        }
        return new Result(loss, gradients, Map.of("dpo_margin", margin, "dpo_accuracy", (double) preferred / pairs));
    }

    private static double sum(Datum d, float[] logprobs) {
        double s = 0;
        for (int t = 0; t < d.length(); t++) {
            s += d.weights()[t] * logprobs[t];
        }
        return s;
    }

    private static float[] scaled(Datum d, double coefficient) {
        float[] g = new float[d.length()];
        for (int t = 0; t < g.length; t++) {
            g[t] = (float) (coefficient * d.weights()[t]);
        }
        return g;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** log(1 + e^x) without overflow. */
    private static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }
}
