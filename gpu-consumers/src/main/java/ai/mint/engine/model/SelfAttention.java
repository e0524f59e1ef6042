package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.mint.engine.lora.LoraDelta;

/** A decoder layer's self-attention: grouped-query ({@link Attention}) or multi-head latent ({@link MlaAttention}). */
interface SelfAttention {

    /**
     * @param x      normed hidden states [B, T, H]
     * @param mask   additive mask [B, 1, 1, T, S] (0 where a query may look, a large negative elsewhere)
     * @param rope   cos/sin tables from {@link RotaryEmbedding#lookup}
     * @param cache  what past tokens left, extended in place; null for a full forward
     * @return attention output after o_proj [B, T, H]
     */
    NDArray forward(int layer, LayerWeights w, NDArray x, NDArray mask, RotaryEmbedding rotary, NDList rope,
                    LoraDelta lora, KvCache cache);
}
