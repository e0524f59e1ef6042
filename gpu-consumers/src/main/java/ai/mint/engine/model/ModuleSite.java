package ai.mint.engine.model;

/**
 * Where a {@link Projection} sits in a decoder layer: the layer's own module (attention, or the MLP of a dense layer),
 * the routed experts of an MoE layer (one module per expert, held stacked [E, in, out]), or its shared expert
 * (Qwen2-MoE's {@code mlp.shared_expert}, DeepSeek's {@code mlp.shared_experts}). PEFT's {@code target_modules}
 * match by module name, so one target such as {@code gate_proj} reaches every site of a layer that has it.
 */
public enum ModuleSite {
    /** The layer's own module: {@code self_attn.*}, or {@code mlp.*} of a dense layer. */
    LAYER,
    /** The routed experts of an MoE layer: {@code mlp.experts.N.*} (Mixtral: {@code block_sparse_moe.experts.N.*}). */
    EXPERTS,
    /** The always-on shared expert of an MoE layer. */
    SHARED_EXPERT
}
