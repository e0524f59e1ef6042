package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModuleSite;
import ai.mint.engine.model.Projection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where a LoRA pair applies: a layer, a projection and its {@link ModuleSite}. Keys at {@link ModuleSite#EXPERTS}
 * hold every routed expert of the layer at once ([E, in, r] / [E, r, out]). The one place that knows which keys a
 * base has for a list of PEFT targets, a factor's shape, and the name it goes by in training states, gradients and
 * optimizer moments.
 */
public record LoraKey(int layer, Projection projection, ModuleSite site) {

    /** The A factor, [in, r] (or [E, in, r]). */
    public static final String A = "A";
    /** The B factor, [r, out] (or [E, r, out]). */
    public static final String B = "B";

    /** The key of {@code layer}'s own module {@code p} (attention, or a dense MLP). */
    public static LoraKey module(int layer, Projection p) {
        return new LoraKey(layer, p, ModuleSite.LAYER);
    }

    /** Every key target {@code p} reaches in {@code layer} of base {@code c} (none if the base lacks it). */
    public static List<LoraKey> keys(ModelConfig c, int layer, Projection p) {
        List<LoraKey> keys = new ArrayList<>();
        for (ModuleSite site : p.sites(c, layer)) {
            keys.add(new LoraKey(layer, p, site));
        }
        return keys;
    }

    /** Every key of {@code targets} on base {@code c}, layer by layer, in target order, then by site. */
    public static List<LoraKey> all(ModelConfig c, Collection<Projection> targets) {
        List<LoraKey> keys = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (Projection p : targets) {
                keys.addAll(keys(c, layer, p));
            }
        }
        return keys;
    }

    /** Refuses targets base {@code c} does not have, naming them and the ones it has. */
    public static void requireTargets(ModelConfig c, Collection<Projection> targets) {
        List<String> missing = targets.stream().filter(p -> !p.existsOn(c)).map(p -> p.targetName(c)).toList();
        if (!missing.isEmpty()) {
            List<String> known = Projection.allOn(c).stream().map(p -> p.targetName(c)).toList();
            throw new EngineException("LoRA target_modules " + missing + " do not exist on this " + c.modelType()
                    + " base (its targets: " + String.join(", ", known) + ")");
        }
    }

    /** True for the routed experts of an MoE layer, whose factors stack every expert. */
    public boolean expert() {
        return site == ModuleSite.EXPERTS;
    }

    public int experts(ModelConfig c) {
        return expert() ? c.numExperts() : 1;
    }

    public int inDim(ModelConfig c) {
        return projection.inDim(c, site);
    }

    public int outDim(ModelConfig c) {
        return projection.outDim(c, site);
    }

    /** Shape of the A factor at {@code rank} in compute layout: [in, r], or [E, in, r] for expert keys. */
    public long[] shapeA(ModelConfig c, int rank) {
        return expert() ? new long[] {c.numExperts(), inDim(c), rank} : new long[] {inDim(c), rank};
    }

    /** Shape of the B factor at {@code rank} in compute layout: [r, out], or [E, r, out] for expert keys. */
    public long[] shapeB(ModelConfig c, int rank) {
        return expert() ? new long[] {c.numExperts(), rank, outDim(c)} : new long[] {rank, outDim(c)};
    }

    /** Values in the A factor at {@code rank}. */
    public long sizeA(ModelConfig c, int rank) {
        return (long) experts(c) * inDim(c) * rank;
    }

    /** Values in the B factor at {@code rank}. */
    public long sizeB(ModelConfig c, int rank) {
        return (long) experts(c) * rank * outDim(c);
    }

    /** The Hugging Face module path of this key ({@code expert} picks one routed expert; ignored elsewhere). */
    public String modulePath(ModelConfig c, int expert) {
        return projection.modulePath(c, layer, site, expert);
    }

    /**
     * The name of factor {@link #A} or {@link #B} of this key, e.g. {@code 3.q_proj.A}, {@code 1.up_proj.experts.B}
     * or {@code 1.down_proj.shared.A}.
     */
    public String parameterName(String factor) {
        if (!A.equals(factor) && !B.equals(factor)) {
            throw new IllegalArgumentException("a LoRA factor is A or B, not '" + factor + "'");
        }
        String where = switch (site) {
            case LAYER -> "";
            case EXPERTS -> ".experts";
            case SHARED_EXPERT -> ".shared";
        };
        return layer + "." + projection.peftName() + where + "." + factor;
    }

    @Override
    public String toString() {
        return "layer " + layer + " " + projection.peftName() + switch (site) {
            case LAYER -> "";
            case EXPERTS -> " (experts)";
            case SHARED_EXPERT -> " (shared expert)";
        };
    }
}
