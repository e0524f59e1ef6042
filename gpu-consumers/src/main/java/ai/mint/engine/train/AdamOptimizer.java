package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.mint.api.AdamConfig;
import ai.mint.engine.OptimStepStats;

import java.util.Map;

/**
 * Adam with decoupled weight decay (AdamW) and global-norm gradient clipping, applied in place to one policy's
 * parameters with that policy's own {@link AdamState}. Written here rather than taken from DJL so that the moments
 * and step are ours to save, restore and keep apart per policy.
 */
final class AdamOptimizer {

    private AdamOptimizer() {
    }

    /**
     * Updates {@code params} in place from {@code grads} (same names and shapes). Must run with gradient recording
     * off (outside a GradientCollector). A non-finite gradient norm skips the update and leaves the state untouched,
     * so one bad batch cannot turn the adapter into NaN.
     */
    static OptimStepStats step(AdamState state, Map<String, NDArray> params, Map<String, NDArray> grads, AdamConfig p) {
        if (!params.keySet().equals(grads.keySet())) {
            throw new IllegalArgumentException("parameters " + params.keySet() + " and gradients " + grads.keySet() + " differ");
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            // created before the scope opens, which would otherwise close them with the step's temporaries
            state.firstMoment(e.getKey(), e.getValue());
            state.secondMoment(e.getKey(), e.getValue());
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double sumSq = 0;
            for (NDArray g : grads.values()) {
                sumSq += g.square().sum().getFloat();
            }
            double norm = Math.sqrt(sumSq);
            if (!Double.isFinite(norm)) {
                return new OptimStepStats(norm, 0.0, p.learningRate(), state.step());
            }
            double clip = p.gradClipNorm() > 0 && norm > p.gradClipNorm() ? p.gradClipNorm() / (norm + 1e-6) : 1.0;
            state.advance();
            long t = state.step();
            double bc1 = 1 - Math.pow(p.beta1(), t);
            double bc2 = 1 - Math.pow(p.beta2(), t);
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray w = e.getValue();
                NDArray g = grads.get(e.getKey()).mul(clip);
                NDArray m = state.firstMoment(e.getKey(), w);
                NDArray v = state.secondMoment(e.getKey(), w);
                m.muli(p.beta1()).addi(g.mul(1 - p.beta1()));
                v.muli(p.beta2()).addi(g.square().mul(1 - p.beta2()));
                NDArray update = m.div(bc1).div(v.div(bc2).sqrt().add(p.eps()));
                if (p.weightDecay() > 0) {
                    update = update.add(w.mul(p.weightDecay()));
                }
                w.subi(update.mul(p.learningRate()));
            }
            return new OptimStepStats(norm, clip, p.learningRate(), t);
        }
    }
}
