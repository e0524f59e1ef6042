package ai.mint.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A differentiable loss of the caller's own over the log-probs of a batch's target tokens, for
 * {@link TrainingClient#forwardBackwardCustom} (Tinker's {@code forward_backward_custom}): given the datums and the
 * log-prob of each target token under the current weights, it returns its value and its gradient with respect to
 * each of those log-probs. The service never sees the loss itself, only that gradient.
 */
@FunctionalInterface
public interface CustomLoss {

    /**
     * The loss's value, {@code d loss / d logprob} per datum and position (the shape of the log-probs; 0 where a
     * position does not count) and metrics to report.
     */
    record Result(double loss, float[][] gradients, Map<String, Double> metrics) {
        public Result {
            metrics = Map.copyOf(metrics);
        }
    }

    Result compute(List<Datum> data, float[][] logprobs);

    /**
     * Datums whose {@code importance_sampling} loss has exactly {@code gradients} as its gradient with respect to the
     * log-probs, at the weights that produced {@code logprobs}. The service's loss is the token-weighted mean
     * {@code -(1/W) sum w_t exp(l_t - q_t) a_t}; with the sampling log-probs {@code q_t} set to the current log-probs
     * (ratio 1), weight 1 on the {@code W} positions whose gradient is not 0 and advantage {@code a_t = -W g_t}, its
     * gradient at position t is {@code g_t}.
     */
    static List<Datum> surrogate(List<Datum> data, float[][] logprobs, float[][] gradients) {
        if (gradients.length != data.size()) {
            throw new IllegalArgumentException("the custom loss gave gradients for " + gradients.length
                    + " datums, the batch has " + data.size());
        }
        int live = 0;
        for (int i = 0; i < data.size(); i++) {
            if (gradients[i].length != data.get(i).length()) {
                throw new IllegalArgumentException("the custom loss gave " + gradients[i].length
                        + " gradients for datum " + i + ", which has " + data.get(i).length() + " positions");
            }
            for (float g : gradients[i]) {
                if (!Float.isFinite(g)) {
                    throw new IllegalArgumentException("the custom loss gave a non-finite gradient for datum " + i);
                }
                live += g != 0 ? 1 : 0;
            }
        }
        List<Datum> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            Datum d = data.get(i);
            int n = d.length();
            float[] weights = new float[n];
            float[] advantages = new float[n];
            for (int t = 0; t < n; t++) {
                if (gradients[i][t] != 0) {
                    weights[t] = 1f;
                    advantages[t] = -live * gradients[i][t];
                }
            }
            out.add(new Datum(d.inputTokens(), d.targetTokens(), weights, logprobs[i].clone(), advantages));
        }
        return out;
    }
}
