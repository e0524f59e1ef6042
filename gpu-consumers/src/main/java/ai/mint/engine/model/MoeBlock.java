package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.mint.engine.lora.LoraDelta;

/**
 * A mixture-of-experts feed-forward block: a {@link MoeRouter} picks each token's experts and weights, the chosen
 * experts' SwiGLU outputs are mixed by those weights, and a shared expert is added when the model has one
 * (Qwen2-MoE's sigmoid-gated one, DeepSeek's always-on {@code shared_experts}).
 *
 * <p>The experts run either sparsely (only the chosen ones, {@link SparseExperts}) or dense-masked: every expert on
 * every token in three batched matmuls over the stacked [E, in, out] weights, unchosen ones weighted zero. Dense-masked
 * is E/k times the work but only a handful of large ops, which wins for few experts on a CPU; {@link MoeCompute}
 * chooses.
 */
final class MoeBlock {

    private final ModelConfig c;
    private final MoeRouter router;
    private final SparseExperts sparse;
    private final MoeCompute compute;

    MoeBlock(ModelConfig c) {
        this(c, MoeCompute.AUTO);
    }

    MoeBlock(ModelConfig c, MoeCompute compute) {
        this.c = c;
        this.router = new MoeRouter(c);
        this.sparse = new SparseExperts(c);
        this.compute = compute.resolve(c);
    }

    MoeCompute compute() {
        return compute;
    }

    /** {@code x} [B, T, H] to [B, T, H]. */
    NDArray forward(int layer, LayerWeights w, NDArray x, LoraDelta lora) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray flat = x.reshape(b * t, c.hiddenSize());                                     // [N, H]
        MoeRouter.Routing routing = router.route(flat.matMul(w.router()), w.routerBias());    // [N, k]
        NDArray mixed = compute == MoeCompute.SPARSE
                ? sparse.forward(layer, w, flat, routing, t, lora).reshape(b, t, c.hiddenSize())
                : denseMasked(layer, w, x, router.denseWeights(routing).reshape(b, t, c.numExperts()), lora);
        if (w.sharedGate() != null) {
            NDArray shared = Linear.silu(x.matMul(w.sharedGate())).mul(x.matMul(w.sharedUp())).matMul(w.sharedDown());
            mixed = mixed.add(w.sharedExpertGate() == null ? shared
                    : shared.mul(Activation.sigmoid(x.matMul(w.sharedExpertGate()))));
        }
        return mixed;
    }

    /** Every expert on every token; {@code weights} [B, T, E] are zero outside each token's chosen experts. */
    private NDArray denseMasked(int layer, LayerWeights w, NDArray x, NDArray weights, LoraDelta lora) {
        NDArray x4 = x.expandDims(1);                                                          // [B, 1, T, H]
        NDArray gate = withDelta(x4.matMul(w.expertGate()), lora, layer, Projection.GATE, x4); // [B, E, T, I]
        NDArray up = withDelta(x4.matMul(w.expertUp()), lora, layer, Projection.UP, x4);       // [B, E, T, I]
        NDArray hidden = Linear.silu(gate).mul(up);
        NDArray down = withDelta(hidden.matMul(w.expertDown()), lora, layer, Projection.DOWN, hidden); // [B,E,T,H]
        return down.mul(weights.transpose(0, 2, 1).expandDims(-1)).sum(new int[] {1});            // [B, T, H]
    }

    /** Router logits [B, T, E] to mixing weights [B, T, E], zero outside each token's top-k (softmax routing). */
    NDArray routingWeights(NDArray logits) {
        long b = logits.getShape().get(0);
        long t = logits.getShape().get(1);
        NDArray flat = logits.reshape(b * t, c.numExperts());
        return router.denseWeights(router.route(flat, null)).reshape(b, t, c.numExperts());
    }

    private static NDArray withDelta(NDArray base, LoraDelta lora, int layer, Projection p, NDArray input) {
        if (lora == null) {
            return base;
        }
        NDArray delta = lora.expertDelta(layer, p, input);
        return delta == null ? base : base.add(delta);
    }
}
