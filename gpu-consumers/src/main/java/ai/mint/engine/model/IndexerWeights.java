package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * The weights of DeepSeek-V3.2's lightning indexer in one layer, compute layout, loaded from
 * {@code self_attn.indexer.*} as DeepSeek and transformers name them.
 *
 * @param wqB         indexer.wq_b [qr, Hi * Di]: index queries from the query latent
 * @param wk          indexer.wk [H, Di]: one index key per token, shared by the index heads
 * @param kNorm       indexer.k_norm LayerNorm weight [Di]
 * @param kNormBias   indexer.k_norm LayerNorm bias [Di]
 * @param weightsProj indexer.weights_proj [H, Hi]: each token's weight per index head
 */
public record IndexerWeights(NDArray wqB, NDArray wk, NDArray kNorm, NDArray kNormBias, NDArray weightsProj) {
}
