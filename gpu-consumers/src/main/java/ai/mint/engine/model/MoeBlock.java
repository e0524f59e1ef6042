package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.lora.LoraKey;

/**
 * A mixture-of-experts feed-forward block: a {@link MoeRouter} picks each token's experts and weights, the chosen
 * experts' SwiGLU outputs are mixed by those weights, and a shared expert is added when the model has one
 * (Qwen2-MoE's sigmoid-gated one, DeepSeek's always-on {@code shared_experts}).
 *
 * <p>The experts run either sparsely (only the chosen ones, {@link SparseExperts}) or dense-masked: every expert on
 * every token in three batched matmuls over the stacked [E, in, out] weights, unchosen ones weighted zero.
 * Dense-masked is E/k times the expert work but only a handful of large ops, which can win for few experts on a
 * CPU; {@link MoeCompute} chooses.
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
        boolean sparseRows = compute == MoeCompute.SPARSE && (lora == null || lora.hasExpertRowsDelta());
        NDArray mixed = (sparseRows ? sparse.forward(layer, w, flat, routing, t, lora)
                : denseMasked(layer, w, flat, router.denseWeights(routing), b, t, lora)).reshape(b, t, c.hiddenSize());
        if (w.sharedGate() != null) {
            NDArray shared = sharedExpert(layer, w, x, lora);
            mixed = mixed.add(w.sharedExpertGate() == null ? shared
                    : shared.mul(Activation.sigmoid(x.matMul(w.sharedExpertGate()))));
        }
        return mixed;
    }

    /** The shared expert's SwiGLU with each row's LoRA on its projections: [B, T, H] to [B, T, H]. */
    private static NDArray sharedExpert(int layer, LayerWeights w, NDArray x, LoraDelta lora) {
        NDArray gate = Linear.apply(x, w.sharedGate(), null, lora, shared(layer, Projection.GATE)); // [B, T, S]
        NDArray up = Linear.apply(x, w.sharedUp(), null, lora, shared(layer, Projection.UP));       // [B, T, S]
        return Linear.apply(Linear.silu(gate).mul(up), w.sharedDown(), null, lora, shared(layer, Projection.DOWN));
    }

    private static LoraKey shared(int layer, Projection p) {
        return new LoraKey(layer, p, ModuleSite.SHARED_EXPERT);
    }

    /**
     * Every expert on every token; {@code weights} [N, E] are zero outside each token's chosen experts. The tokens
     * are broadcast over the expert axis ([1, N, H] x [E, H, I]), never the weights: broadcasting [B, 1, T, H]
     * against [E, H, I] would make PyTorch copy every expert's weights once per batch row.
     */
    private NDArray denseMasked(int layer, LayerWeights w, NDArray flat, NDArray weights, long b, long t,
                                LoraDelta lora) {
        long n = b * t;
        int e = c.numExperts();
        NDArray x1 = flat.expandDims(0);                                                      // [1, N, H]
        NDArray gate = withDelta(x1.matMul(w.expertGate()), lora, layer, Projection.GATE, x1, b, t); // [E, N, I]
        NDArray up = withDelta(x1.matMul(w.expertUp()), lora, layer, Projection.UP, x1, b, t);       // [E, N, I]
        NDArray hidden = Linear.silu(gate).mul(up);
        NDArray down = withDelta(hidden.matMul(w.expertDown()), lora, layer, Projection.DOWN, hidden, b, t); // [E,N,H]
        return down.mul(weights.transpose().reshape(e, n, 1)).sum(new int[] {0});            // [N, H]
    }

    /** Router logits [B, T, E] to mixing weights [B, T, E], zero outside each token's top-k (softmax routing). */
    NDArray routingWeights(NDArray logits) {
        long b = logits.getShape().get(0);
        long t = logits.getShape().get(1);
        NDArray flat = logits.reshape(b * t, c.numExperts());
        return router.denseWeights(router.route(flat, null)).reshape(b, t, c.numExperts());
    }

    /**
     * Adds the rows' expert LoRA deltas to {@code base} [E, N, out]; {@code input} is [1, N, in] (shared by all
     * experts) or [E, N, in]. LoraDelta speaks [B, E, T, *], hence the reshapes.
     */
    private NDArray withDelta(NDArray base, LoraDelta lora, int layer, Projection p, NDArray input, long b, long t) {
        if (lora == null) {
            return base;
        }
        long in = input.getShape().get(2);
        NDArray x = input.getShape().get(0) == 1 ? input.reshape(b, 1, t, in)
                : input.reshape(-1, b, t, in).transpose(1, 0, 2, 3);                        // [B, 1|E, T, in]
        NDArray delta = lora.expertDelta(new LoraKey(layer, p, ModuleSite.EXPERTS), x);                                        // [B, E, T, out]
        if (delta == null) {
            return base;
        }
        return base.add(delta.transpose(1, 0, 2, 3).reshape(base.getShape()));
    }
}
