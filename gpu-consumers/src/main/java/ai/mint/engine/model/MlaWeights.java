package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * The resident weights of one multi-head latent attention layer in compute layout ([in, out]). With
 * {@code rope_interleave} the rotary columns of {@code qB} and {@code kvA} are already de-interleaved on load
 * (pairs {@code 2i, 2i+1} moved to {@code i, i + d/2}), so the usual rotate-half rotation computes DeepSeek's
 * pairwise one; queries and keys are permuted alike, so every score is unchanged. {@code kUpT} and {@code vUp} are
 * {@code kvB} split per head for the absorbed form, which attends in the latent space without expanding the cache.
 *
 * @param qA      q_a_proj [H, qr], or null when q_lora_rank is null
 * @param qANorm  q_a_layernorm [qr], or null
 * @param qB      q_b_proj [qr, Hh * (dn + dr)], or q_proj [H, Hh * (dn + dr)] when {@code qA} is null
 * @param kvA     kv_a_proj_with_mqa [H, C + dr]: the latent, then the shared rotary key
 * @param kvANorm kv_a_layernorm [C]
 * @param kvB     kv_b_proj [C, Hh * (dn + dv)]: per head the key part, then the value part
 * @param kUpT    per head the key part of kv_b_proj as [Hh, dn, C]
 * @param vUp     per head the value part of kv_b_proj as [Hh, C, dv]
 * @param o       o_proj [Hh * dv, H]
 * @param indexer DeepSeek-V3.2's lightning indexer, or null for dense attention
 */
public record MlaWeights(NDArray qA, NDArray qANorm, NDArray qB, NDArray kvA, NDArray kvANorm, NDArray kvB,
                         NDArray kUpT, NDArray vUp, NDArray o, IndexerWeights indexer) {
}
