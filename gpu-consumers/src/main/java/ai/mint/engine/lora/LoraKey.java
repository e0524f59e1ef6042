package ai.mint.engine.lora;

import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

/**
 * Where a LoRA pair applies: a layer and a projection; {@code expert} marks the per-expert MLP projections of an MoE
 * layer, whose tensors hold all experts at once ([E, in, r] / [E, r, out]).
 */
public record LoraKey(int layer, Projection projection, boolean expert) {

    public static LoraKey of(ModelConfig c, int layer, Projection p) {
        return new LoraKey(layer, p, c.isMoe() && !p.isAttention());
    }

    public int experts(ModelConfig c) {
        return expert ? c.numExperts() : 1;
    }

    public int inDim(ModelConfig c) {
        return projection.inDim(c, expert);
    }

    public int outDim(ModelConfig c) {
        return projection.outDim(c, expert);
    }

    @Override
    public String toString() {
        return "layer " + layer + " " + projection.peftName() + (expert ? " (experts)" : "");
    }
}
