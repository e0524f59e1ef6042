package ai.mint.engine.generate;

import ai.mint.common.random.SplitMix64;
import ai.mint.engine.GenerationParams;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token of one row from its logits in Java: greedy, or temperature + top-p with the row's own seeded
 * random stream, and reports the chosen token's log-probability under the untempered distribution.
 */
final class Sampler {

    private final GenerationParams params;
    private final Random random;

    Sampler(GenerationParams params) {
        this.params = params;
        // java.util.Random's first draws for consecutive seeds are nearly equal; scramble the seed so that rows seeded
        // s, s+1, ... sample independently
        this.random = new Random(SplitMix64.draw(params.seed(), 0));
    }

    /** Returns {token, Float.floatToIntBits(logProb)} packed as a long pair via {@link Choice}. */
    Choice next(float[] logits, int offset, int vocab) {
        int token = params.temperature() == 0 ? argmax(logits, offset, vocab) : sample(logits, offset, vocab);
        return new Choice(token, logSoftmaxAt(logits, offset, vocab, token));
    }

    record Choice(int token, float logProb) {
    }

    private static int argmax(float[] l, int off, int v) {
        int best = 0;
        for (int i = 1; i < v; i++) {
            if (l[off + i] > l[off + best]) {
                best = i;
            }
        }
        return best;
    }

    private int sample(float[] l, int off, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, l[off + i]);
        }
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp((l[off + i] - max) / params.temperature());
            sum += p[i];
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
            p[i] /= sum;
        }
        Arrays.sort(order, (x, y) -> Double.compare(p[y], p[x]));
        // nucleus: the smallest prefix of the sorted tokens whose mass reaches topP
        double mass = 0;
        int keep = 0;
        while (keep < v && (keep == 0 || mass < params.topP())) {
            mass += p[order[keep++]];
        }
        double u = random.nextDouble() * mass;
        for (int i = 0; i < keep; i++) {
            u -= p[order[i]];
            if (u <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    static float logSoftmaxAt(float[] l, int off, int v, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, l[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            sum += Math.exp(l[off + i] - max);
        }
        return (float) (l[off + token] - max - Math.log(sum));
    }
}
