package ai.mint.engine.model;

/**
 * The linear projections of a decoder layer that LoRA can target, with their PEFT module names and their input and
 * output widths. In MoE layers GATE, UP and DOWN exist once per expert.
 */
public enum Projection {
    Q("q_proj", "w_q"), K("k_proj", "w_k"), V("v_proj", "w_v"), O("o_proj", "w_o"),
    GATE("gate_proj", "w1"), UP("up_proj", "w3"), DOWN("down_proj", "w2");

    private final String peftName;
    private final String mixtralExpertName;

    Projection(String peftName, String mixtralExpertName) {
        this.peftName = peftName;
        this.mixtralExpertName = mixtralExpertName;
    }

    public String peftName() {
        return peftName;
    }

    /** The module name PEFT's target_modules uses on base {@code c}: Mixtral's experts are w1 (gate), w3 (up), w2. */
    public String targetName(ModelConfig c) {
        return c.mixtralNames() && c.isMoe() && !isAttention() ? mixtralExpertName : peftName;
    }

    public boolean isAttention() {
        return ordinal() <= O.ordinal();
    }

    /** Resolves a PEFT target name (q_proj, ..., or Mixtral's w1/w2/w3). */
    public static Projection fromPeftName(String name) {
        for (Projection p : values()) {
            if (p.peftName.equals(name) || (!p.isAttention() && p.mixtralExpertName.equals(name))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown LoRA target module '" + name
                + "' (known: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, w1, w2, w3)");
    }

    /** Input width of this projection; {@code expert} selects the expert MLP width in MoE layers. */
    public int inDim(ModelConfig c, boolean expert) {
        return switch (this) {
            case Q, K, V -> c.hiddenSize();
            case O -> c.numHeads() * c.headDim();
            case GATE, UP -> c.hiddenSize();
            case DOWN -> expert ? c.expertIntermediateSize() : c.intermediateSize();
        };
    }

    public int outDim(ModelConfig c, boolean expert) {
        return switch (this) {
            case Q -> c.numHeads() * c.headDim();
            case K, V -> c.numKvHeads() * c.headDim();
            case O, DOWN -> c.hiddenSize();
            case GATE, UP -> expert ? c.expertIntermediateSize() : c.intermediateSize();
        };
    }

    /** Hugging Face module path of this projection, e.g. {@code model.layers.3.self_attn.q_proj}. */
    public String modulePath(ModelConfig c, int layer, int expert) {
        String prefix = "model.layers." + layer + ".";
        if (isAttention()) {
            return prefix + "self_attn." + peftName;
        }
        if (expert < 0) {
            return prefix + "mlp." + peftName;
        }
        return c.mixtralNames()
                ? prefix + "block_sparse_moe.experts." + expert + "." + mixtralExpertName
                : prefix + "mlp.experts." + expert + "." + peftName;
    }
}
