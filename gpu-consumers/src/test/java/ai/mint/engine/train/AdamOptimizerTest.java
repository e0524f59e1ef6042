package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mint.api.AdamConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class AdamOptimizerTest {

    private static final float[][] GRADS = {{0.5f, -2f, 0.1f}, {3f, 1f, -0.2f}, {-0.3f, 0.4f, 5f}};

    /** The textbook AdamW update on plain doubles, as an independent check. */
    private static double[] reference(double[] w, AdamConfig p, int steps) {
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        for (int t = 1; t <= steps; t++) {
            float[] g = GRADS[(t - 1) % GRADS.length];
            double norm = 0;
            for (float x : g) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            double clip = p.gradClipNorm() > 0 && norm > p.gradClipNorm() ? p.gradClipNorm() / (norm + 1e-6) : 1;
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] * clip;
                m[i] = p.beta1() * m[i] + (1 - p.beta1()) * gi;
                v[i] = p.beta2() * v[i] + (1 - p.beta2()) * gi * gi;
                double mh = m[i] / (1 - Math.pow(p.beta1(), t));
                double vh = v[i] / (1 - Math.pow(p.beta2(), t));
                w[i] -= p.learningRate() * (mh / (Math.sqrt(vh) + p.eps()) + p.weightDecay() * w[i]);
            }
        }
        return w;
    }

    private static void run(NDManager manager, AdamState state, NDArray w, AdamConfig p, int fromStep, int toStep) {
        for (int t = fromStep; t < toStep; t++) {
            try (NDManager stepScope = manager.newSubManager()) {
                NDArray g = stepScope.create(GRADS[t % GRADS.length]);
                AdamOptimizer.step(state, Map.of("w", w), Map.of("w", g), p);
            }
        }
    }

    @Test
    void shouldMatchTheTextbookUpdateWithClippingAndDecay() {
        AdamConfig p = new AdamConfig(0.01, 0.9, 0.95, 1e-8, 0.1, 2.0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[]{1f, -1f, 0.5f});
            AdamState state = new AdamState(manager);
            run(manager, state, w, p, 0, 5);
            double[] want = reference(new double[]{1, -1, 0.5}, p, 5);
            float[] got = w.toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).isCloseTo(want[i], offset(1e-6));
            }
            assertThat(state.step()).isEqualTo(5);
        }
    }

    @Test
    void shouldContinueFromRestoredStateExactlyAsWithoutTheRestart() {
        AdamConfig p = AdamConfig.of(0.05);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray straight = manager.create(new float[]{1f, 2f, 3f});
            run(manager, new AdamState(manager), straight, p, 0, 6);

            NDArray resumed = manager.create(new float[]{1f, 2f, 3f});
            AdamState first = new AdamState(manager);
            run(manager, first, resumed, p, 0, 3);
            NDList saved = NDList.decode(manager, first.toNDList().encode());
            first.close();
            AdamState restored = AdamState.restore(manager, saved, 3);
            run(manager, restored, resumed, p, 3, 6);

            assertThat(resumed.toFloatArray()).containsExactly(straight.toFloatArray());
        }
    }

    @Test
    void shouldSkipTheUpdateWhenTheGradientIsNotFinite() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[]{1f, 2f});
            AdamState state = new AdamState(manager);
            ai.mint.engine.OptimStepStats stats = AdamOptimizer.step(state, Map.of("w", w),
                    Map.of("w", manager.create(new float[]{Float.NaN, 1f})), AdamConfig.of(0.1));
            assertThat(stats.clipScale()).isZero();
            assertThat(state.step()).isZero();
            assertThat(w.toFloatArray()).containsExactly(1f, 2f);
        }
    }
}
