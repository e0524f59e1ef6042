package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * The resident weights of one decoder layer in compute layout ({@code x @ W}, i.e. Hugging Face's [out, in] already
 * transposed to [in, out]). Dense layers fill the MLP fields, MoE layers the router and expert fields; DeepSeek's
 * latent attention lives in {@code mla} (q/k/v/o are then null) and its shared experts in the shared fields, without
 * a gate. Absent parts are null.
 */
public record LayerWeights(
        NDArray inputNorm,      // [H]
        NDArray postNorm,       // [H]
        NDArray q, NDArray k, NDArray v, NDArray o,   // [H, Hq*D], [H, Hkv*D], [H, Hkv*D], [Hq*D, H]
        NDArray qBias, NDArray kBias, NDArray vBias,  // [Hq*D], [Hkv*D], [Hkv*D] or null
        NDArray gate, NDArray up, NDArray down,       // dense: [H, I], [H, I], [I, H]
        NDArray router,                               // MoE: [H, E]
        NDArray expertGate, NDArray expertUp, NDArray expertDown,  // MoE: [E, H, I], [E, H, I], [E, I, H]
        NDArray sharedGate, NDArray sharedUp, NDArray sharedDown,  // Qwen2-MoE / DeepSeek shared expert or null
        NDArray sharedExpertGate,                     // [H, 1] (Qwen2-MoE) or null
        NDArray oBias,                                // [H] (Llama attention_bias) or null
        MlaWeights mla,                               // DeepSeek multi-head latent attention or null
        NDArray routerBias) {                         // [E] DeepSeek e_score_correction_bias or null

    public boolean isMoe() {
        return router != null;
    }
}
