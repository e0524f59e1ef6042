package ai.mint.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The linear projections of a decoder layer that LoRA can target, with their PEFT module names, their input and
 * output widths at each {@link ModuleSite}, and how tensor parallelism splits them. Llama/Qwen2 attention has
 * q/k/v/o; DeepSeek-V3's latent attention has q_a/q_b (or a full q_proj when q_lora_rank is null),
 * kv_a_proj_with_mqa, kv_b_proj and o_proj. The MLP projections exist per layer, per routed expert and in the shared
 * expert.
 */
public enum Projection {
    Q("q_proj", null, Split.COLUMN), K("k_proj", null, Split.COLUMN), V("v_proj", null, Split.COLUMN),
    Q_A("q_a_proj", null, Split.REPLICATED), Q_B("q_b_proj", null, Split.COLUMN),
    KV_A("kv_a_proj_with_mqa", null, Split.REPLICATED), KV_B("kv_b_proj", null, Split.COLUMN),
    O("o_proj", null, Split.ROW),
    GATE("gate_proj", "w1", Split.COLUMN), UP("up_proj", "w3", Split.COLUMN), DOWN("down_proj", "w2", Split.ROW);

    /**
     * How tensor parallelism splits a projection's weight [in, out] over ranks: by output columns (each rank
     * computes its heads or its share of the MLP width), by input rows (each rank holds a partial sum that an
     * all-reduce completes), or not at all (small projections every rank computes in full, e.g. MLA's latents).
     */
    public enum Split { COLUMN, ROW, REPLICATED }

    private final String peftName;
    private final String mixtralExpertName;
    private final Split split;

    Projection(String peftName, String mixtralExpertName, Split split) {
        this.peftName = peftName;
        this.mixtralExpertName = mixtralExpertName;
        this.split = split;
    }

    public String peftName() {
        return peftName;
    }

    /** How tensor parallelism splits this projection. */
    public Split split() {
        return split;
    }

    /** The module name PEFT's target_modules uses on base {@code c}: Mixtral's experts are w1 (gate), w3 (up), w2. */
    public String targetName(ModelConfig c) {
        return c.mixtralNames() && !isAttention() ? mixtralExpertName : peftName;
    }

    public boolean isAttention() {
        return mixtralExpertName == null;
    }

    /** True if base {@code c} has this projection (in at least one layer). */
    public boolean existsOn(ModelConfig c) {
        boolean deepseek = c.isDeepseek();
        boolean queryLatent = deepseek && c.deepseek().mla().qLoraRank() > 0;
        return switch (this) {
            case Q -> !queryLatent;
            case K, V -> !deepseek;
            case Q_A, Q_B -> queryLatent;
            case KV_A, KV_B -> deepseek;
            case O, GATE, UP, DOWN -> true;
        };
    }

    /** Every projection base {@code c} has: the targets "all linear projections" means on it. */
    public static java.util.Set<Projection> allOn(ModelConfig c) {
        java.util.Set<Projection> all = java.util.EnumSet.noneOf(Projection.class);
        for (Projection p : values()) {
            if (p.existsOn(c)) {
                all.add(p);
            }
        }
        return all;
    }

    /** The sites of {@code layer} where this projection exists on base {@code c}, in a fixed order. */
    public List<ModuleSite> sites(ModelConfig c, int layer) {
        if (!existsOn(c)) {
            return List.of();
        }
        if (isAttention() || !c.isMoeLayer(layer)) {
            return List.of(ModuleSite.LAYER);
        }
        List<ModuleSite> sites = new ArrayList<>(List.of(ModuleSite.EXPERTS));
        if (c.hasSharedExpert()) {
            sites.add(ModuleSite.SHARED_EXPERT);
        }
        return sites;
    }

    /** Resolves a PEFT target name (q_proj, ..., kv_b_proj, or Mixtral's w1/w2/w3). */
    public static Projection fromPeftName(String name) {
        for (Projection p : values()) {
            if (p.peftName.equals(name) || name.equals(p.mixtralExpertName)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown LoRA target module '" + name + "' (known: "
                + String.join(", ", Arrays.stream(values()).map(Projection::peftName).toList()) + ", w1, w2, w3)");
    }

    /** Input width of this projection at {@code site}. */
    public int inDim(ModelConfig c, ModuleSite site) {
        return switch (this) {
            case Q, K, V, Q_A, KV_A, GATE, UP -> c.hiddenSize();
            case Q_B -> c.deepseek().mla().qLoraRank();
            case KV_B -> c.deepseek().mla().kvLoraRank();
            case O -> c.numHeads() * (c.isDeepseek() ? c.deepseek().mla().vHeadDim() : c.headDim());
            case DOWN -> mlpWidth(c, site);
        };
    }

    /** Output width of this projection at {@code site}. */
    public int outDim(ModelConfig c, ModuleSite site) {
        return switch (this) {
            case Q -> c.numHeads() * (c.isDeepseek() ? c.deepseek().mla().qkHeadDim() : c.headDim());
            case K, V -> c.numKvHeads() * c.headDim();
            case Q_A -> c.deepseek().mla().qLoraRank();
            case Q_B -> c.numHeads() * c.deepseek().mla().qkHeadDim();
            case KV_A -> c.deepseek().mla().kvLoraRank() + c.deepseek().mla().qkRopeHeadDim();
            case KV_B -> c.numHeads() * (c.deepseek().mla().qkNopeHeadDim() + c.deepseek().mla().vHeadDim());
            case O, DOWN -> c.hiddenSize();
            case GATE, UP -> mlpWidth(c, site);
        };
    }

    private static int mlpWidth(ModelConfig c, ModuleSite site) {
        return switch (site) {
            case LAYER -> c.intermediateSize();
            case EXPERTS -> c.expertIntermediateSize();
            case SHARED_EXPERT -> c.sharedExpertIntermediateSize();
        };
    }

    /**
     * Hugging Face module path of this projection, e.g. {@code model.layers.3.self_attn.q_proj},
     * {@code model.layers.3.mlp.experts.7.up_proj} ({@code expert} 7 of {@link ModuleSite#EXPERTS}) or
     * {@code model.layers.3.mlp.shared_experts.down_proj} (DeepSeek's shared expert).
     */
    public String modulePath(ModelConfig c, int layer, ModuleSite site, int expert) {
        String prefix = "model.layers." + layer + ".";
        if (isAttention()) {
            return prefix + "self_attn." + peftName;
        }
        return switch (site) {
            case LAYER -> prefix + "mlp." + peftName;
            case SHARED_EXPERT -> prefix + (c.isDeepseek() ? "mlp.shared_experts." : "mlp.shared_expert.") + peftName;
            case EXPERTS -> c.mixtralNames()
                    ? prefix + "block_sparse_moe.experts." + expert + "." + mixtralExpertName
                    : prefix + "mlp.experts." + expert + "." + peftName;
        };
    }

    /** Module path of routed expert {@code expert}'s projection in {@code layer}. */
    public String expertPath(ModelConfig c, int layer, int expert) {
        return modulePath(c, layer, ModuleSite.EXPERTS, expert);
    }
}
