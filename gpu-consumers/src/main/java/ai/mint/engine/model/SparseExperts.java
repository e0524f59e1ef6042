package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.lora.LoraKey;

/**
 * Runs only the experts each token chose: the N * k (token, expert) assignments are sorted by expert on the host,
 * the tokens gathered in that order, each expert with tokens multiplies its contiguous block by its own weights
 * (views of the stacked [E, in, out] tensors, nothing copied), each row gets its own adapter's LoRA delta, and the
 * weighted outputs are gathered back to assignment order and summed per token. Every step is differentiable in the
 * activations and LoRA factors; the grouping itself is discrete, like the routing that decided it.
 */
final class SparseExperts {

    /** The (token, expert) assignments of one batch sorted by expert. */
    private record Groups(long[] tokenOf, long[] rowOf, long[] expertOf, long[] assignmentOf, long[] sortedOf,
                          int[] start, int[] count) {
    }

    private final ModelConfig c;

    SparseExperts(ModelConfig c) {
        this.c = c;
    }

    /**
     * @param x       tokens [N, H], row-major over [B, T]
     * @param routing each token's experts and weights [N, k]
     * @param seqLen  T, to tell each token's batch row (its adapter)
     * @return the mixed expert outputs [N, H]
     */
    NDArray forward(int layer, LayerWeights w, NDArray x, MoeRouter.Routing routing, long seqLen, LoraDelta lora) {
        NDManager m = x.getManager();
        long n = x.getShape().get(0);
        int k = c.numExpertsPerTok();
        Groups g = group(routing.experts().toLongArray(), k, seqLen);
        NDArray tokens = m.create(g.tokenOf());
        NDArray rows = m.create(g.rowOf());
        NDArray experts = m.create(g.expertOf());
        NDArray xs = x.get(new NDIndex("{}", tokens));                                        // [M, H]
        NDArray gate = withDelta(perExpert(xs, w.expertGate(), g), lora, layer, Projection.GATE, xs, rows, experts);
        NDArray up = withDelta(perExpert(xs, w.expertUp(), g), lora, layer, Projection.UP, xs, rows, experts);
        NDArray hidden = Linear.silu(gate).mul(up);                                          // [M, I]
        NDArray down = withDelta(perExpert(hidden, w.expertDown(), g), lora, layer, Projection.DOWN, hidden, rows,
                experts);                                                                    // [M, H]
        NDArray weights = routing.weights().reshape(-1).get(new NDIndex("{}", m.create(g.assignmentOf())));
        NDArray weighted = down.mul(weights.expandDims(-1));                                // [M, H]
        // back to assignment order (token-major), then each token's k outputs summed
        return weighted.get(new NDIndex("{}", m.create(g.sortedOf()))).reshape(n, k, -1).sum(new int[] {1});
    }

    /** Each expert's block of {@code in} [M, in] times that expert's weights from {@code stack} [E, in, out]. */
    private NDArray perExpert(NDArray in, NDArray stack, Groups g) {
        NDList parts = new NDList();
        for (int e = 0; e < g.count().length; e++) {
            if (g.count()[e] > 0) {
                NDArray block = in.get(new NDIndex("{}:{}", g.start()[e], g.start()[e] + g.count()[e]));
                parts.add(block.matMul(stack.get(new NDIndex("{}", e))));
            }
        }
        // concat of a single array would detach it from autograd (docs/DEVELOPING.md)
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    private static NDArray withDelta(NDArray base, LoraDelta lora, int layer, Projection p, NDArray input,
                                     NDArray rows, NDArray experts) {
        if (lora == null) {
            return base;
        }
        NDArray delta = lora.expertRowsDelta(new LoraKey(layer, p, ModuleSite.EXPERTS), input, rows, experts);
        return delta == null ? base : base.add(delta);
    }

    /** Counting sort of the N * k assignments by expert (stable: tokens stay in order within an expert). */
    private Groups group(long[] chosen, int k, long seqLen) {
        int e = c.numExperts();
        int total = chosen.length;
        int[] count = new int[e];
        for (long x : chosen) {
            count[(int) x]++;
        }
        int[] start = new int[e];
        for (int i = 1; i < e; i++) {
            start[i] = start[i - 1] + count[i - 1];
        }
        int[] next = start.clone();
        long[] tokenOf = new long[total];
        long[] rowOf = new long[total];
        long[] expertOf = new long[total];
        long[] assignmentOf = new long[total];
        long[] sortedOf = new long[total];
        for (int a = 0; a < total; a++) {
            int expert = (int) chosen[a];
            int pos = next[expert]++;
            long token = a / k;
            tokenOf[pos] = token;
            rowOf[pos] = token / seqLen;
            expertOf[pos] = expert;
            assignmentOf[pos] = a;
            sortedOf[a] = pos;
        }
        return new Groups(tokenOf, rowOf, expertOf, assignmentOf, sortedOf, start, count);
    }
}
