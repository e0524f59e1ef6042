package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.mint.engine.lora.LoraDelta;

/**
 * A mixture-of-experts feed-forward block (Qwen2-MoE / Mixtral): a router picks the top-k experts per token from a
 * softmax over experts (renormalised over the k when the config says so), the chosen experts' SwiGLU outputs are
 * mixed by those weights, and Qwen2-MoE's sigmoid-gated shared expert is added when present.
 *
 * <p>Every expert runs on every token and unchosen experts get weight zero: the result is exactly the sparse one,
 * and with stacked expert weights [E, in, out] it is three batched matmuls instead of a gather/scatter per expert,
 * which is faster for the small expert counts this engine runs on a CPU.
 */
final class MoeBlock {

    private final ModelConfig c;

    MoeBlock(ModelConfig c) {
        this.c = c;
    }

    /** {@code x} [B, T, H] to [B, T, H]. */
    NDArray forward(int layer, LayerWeights w, NDArray x, LoraDelta lora) {
        NDArray weights = routingWeights(x.matMul(w.router())); // [B, T, E]
        NDArray x4 = x.expandDims(1);                             // [B, 1, T, H]
        NDArray gate = withDelta(x4.matMul(w.expertGate()), lora, layer, Projection.GATE, x4); // [B, E, T, I]
        NDArray up = withDelta(x4.matMul(w.expertUp()), lora, layer, Projection.UP, x4);       // [B, E, T, I]
        NDArray hidden = Linear.silu(gate).mul(up);
        NDArray down = withDelta(hidden.matMul(w.expertDown()), lora, layer, Projection.DOWN, hidden); // [B,E,T,H]
        NDArray mixed = down.mul(weights.transpose(0, 2, 1).expandDims(-1)).sum(new int[] {1}); // [B, T, H]
        if (w.sharedGate() != null) {
            NDArray shared = Linear.silu(x.matMul(w.sharedGate())).mul(x.matMul(w.sharedUp())).matMul(w.sharedDown());
            mixed = mixed.add(shared.mul(Activation.sigmoid(x.matMul(w.sharedExpertGate()))));
        }
        return mixed;
    }

    /** Router logits [B, T, E] to mixing weights [B, T, E], zero outside each token's top-k. */
    NDArray routingWeights(NDArray logits) {
        NDArray probs = logits.softmax(-1);
        // exactly k experts even when probabilities tie (a threshold test would take every tied expert)
        NDArray indices = probs.topK(c.numExpertsPerTok(), -1).get(1);                  // [B, T, k]
        NDArray mask = indices.oneHot(c.numExperts(), probs.getDataType()).sum(new int[] {-2}); // [B, T, E]
        NDArray chosen = probs.mul(mask);
        return c.normTopkProb() ? chosen.div(chosen.sum(new int[] {-1}, true)) : chosen;
    }

    private static NDArray withDelta(NDArray base, LoraDelta lora, int layer, Projection p, NDArray input) {
        if (lora == null) {
            return base;
        }
        NDArray delta = lora.expertDelta(layer, p, input);
        return delta == null ? base : base.add(delta);
    }
}
