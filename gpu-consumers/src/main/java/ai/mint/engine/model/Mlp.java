package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.mint.engine.lora.LoraDelta;

/** The SwiGLU feed-forward block of a dense layer: down(silu(gate(x)) * up(x)). */
final class Mlp {

    private Mlp() {
    }

    /** {@code x} [B, T, H] to [B, T, H]. */
    static NDArray forward(int layer, LayerWeights w, NDArray x, LoraDelta lora) {
        NDArray gate = Linear.apply(x, w.gate(), null, lora, layer, Projection.GATE); // [B, T, I]
        NDArray up = Linear.apply(x, w.up(), null, lora, layer, Projection.UP);       // [B, T, I]
        return Linear.apply(Linear.silu(gate).mul(up), w.down(), null, lora, layer, Projection.DOWN);
    }
}
