package ai.mint.engine.lora;

import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

/**
 * Where a LoRA pair applies: a layer and a projection; {@code expert} marks the per-expert MLP projections of an MoE
 * layer, whose tensors hold all experts at once ([E, in, r] / [E, r, out]). The one place that knows a factor's
 * shape and the name it goes by in training states, gradients and optimizer moments.
 */
public record LoraKey(int layer, Projection projection, boolean expert) {

    /** The A factor, [in, r] (or [E, in, r]). */
    public static final String A = "A";
    /** The B factor, [r, out] (or [E, r, out]). */
    public static final String B = "B";

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

    /** Shape of the A factor at {@code rank} in compute layout: [in, r], or [E, in, r] for expert keys. */
    public long[] shapeA(ModelConfig c, int rank) {
        return expert ? new long[] {c.numExperts(), inDim(c), rank} : new long[] {inDim(c), rank};
    }

    /** Shape of the B factor at {@code rank} in compute layout: [r, out], or [E, r, out] for expert keys. */
    public long[] shapeB(ModelConfig c, int rank) {
        return expert ? new long[] {c.numExperts(), rank, outDim(c)} : new long[] {rank, outDim(c)};
    }

    /** Values in the A factor at {@code rank}. */
    public long sizeA(ModelConfig c, int rank) {
        return (long) experts(c) * inDim(c) * rank;
    }

    /** Values in the B factor at {@code rank}. */
    public long sizeB(ModelConfig c, int rank) {
        return (long) experts(c) * rank * outDim(c);
    }

    /** The name of factor {@link #A} or {@link #B} of this key, e.g. {@code 3.q_proj.A} or {@code 1.up_proj.experts.B}. */
    public String parameterName(String factor) {
        if (!A.equals(factor) && !B.equals(factor)) {
            throw new IllegalArgumentException("a LoRA factor is A or B, not '" + factor + "'");
        }
        return layer + "." + projection.peftName() + (expert ? ".experts" : "") + "." + factor;
    }

    @Override
    public String toString() {
        return "layer " + layer + " " + projection.peftName() + (expert ? " (experts)" : "");
    }
}
