package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * DeepSeek-V3.2's lightning indexer (DSA): a few small heads score every past token,
 * {@code I(t, s) = sum_j w(t, j) * relu(q(t, j) . k(s))}, and each query attends only to its {@code index_topk} best
 * tokens; with {@code index_topk} at least the sequence length every token is kept and attention is exactly dense
 * MLA. Index queries come from the query latent (indexer.wq_b), index keys from the hidden state (indexer.wk, then a
 * LayerNorm) and are cached per token; the first {@code qk_rope_head_dim} dimensions of both are rotated
 * non-interleaved (DeepSeek's corrected inference code). Token weights are {@code weights_proj(x) / sqrt(Hi * Di)}.
 *
 * <p>DeepSeek's kernel rotates q and k by a Hadamard transform and quantises them to FP8 before the dot products;
 * the transform is orthogonal, so in float32 it leaves every score as it is, and it is left out here. The selection
 * is a constant mask: nothing is differentiated through it.
 */
final class LightningIndexer {

    private static final double LAYER_NORM_EPS = 1e-6;

    private final DeepseekSpec.Indexer spec;
    private final int ropeDim;
    private final float weightScale;

    LightningIndexer(DeepseekSpec.Indexer spec, int ropeDim) {
        this.spec = spec;
        this.ropeDim = ropeDim;
        this.weightScale = (float) (1.0 / Math.sqrt((double) spec.heads() * spec.headDim()));
    }

    /** This step's index keys from hidden states {@code x} [B, T, H]: [B, 1, T, Di]. */
    NDArray keys(IndexerWeights w, NDArray x, RotaryEmbedding rotary, NDList rope) {
        NDArray k = layerNorm(x.stopGradient().matMul(w.wk()), w.kNorm(), w.kNormBias()).expandDims(1); // [B,1,T,Di]
        return rotateHead(k, rotary, rope);
    }

    /**
     * The additive mask [B, 1, T, S] that keeps each query's top-k tokens: 0 where selected, {@link
     * DecoderModel#MASKED} elsewhere.
     *
     * @param qLatent   the query latent after q_a_layernorm [B, T, qr]
     * @param x         the layer's normed hidden states [B, T, H]
     * @param keys      index keys of every position [B, 1, S, Di]
     * @param scoreMask causal and padding mask [B|1, 1, T, S]: masked tokens rank last
     */
    NDArray selection(IndexerWeights w, NDArray qLatent, NDArray x, NDArray keys, NDArray scoreMask,
                      RotaryEmbedding rotary, NDList rope) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long s = keys.getShape().get(2);
        NDArray q = qLatent.stopGradient().matMul(w.wqB())
                .reshape(b, t, spec.heads(), spec.headDim()).transpose(0, 2, 1, 3);           // [B, Hi, T, Di]
        q = rotateHead(q, rotary, rope);
        NDArray perHead = Activation.relu(MlaAttention.sharedKeyScores(q, keys));          // [B, Hi, T, S]
        NDArray weights = x.stopGradient().matMul(w.weightsProj())
                .mul(x.getManager().create(weightScale)).transpose(0, 2, 1).expandDims(-1); // [B, Hi, T, 1]
        NDArray index = perHead.mul(weights).sum(new int[] {1}, true).add(scoreMask);     // [B, 1, T, S]
        int k = (int) Math.min(spec.topK(), s);
        NDArray chosen = index.topK(k, -1).get(1);                                         // [B, 1, T, k]
        NDArray keep = x.getManager().zeros(chosen.getShape());
        return x.getManager().full(new Shape(b, 1, t, s), DecoderModel.MASKED).scatter(chosen, keep, -1);
    }

    /** Rotates the first {@code ropeDim} dimensions of [B, heads, T, Di] (rotate-half), keeps the rest. */
    private NDArray rotateHead(NDArray x, RotaryEmbedding rotary, NDList rope) {
        NDArray rotated = rotary.apply(x.get(new NDIndex("..., :{}", ropeDim)), rope);
        return spec.headDim() == ropeDim ? rotated : rotated.concat(x.get(new NDIndex("..., {}:", ropeDim)), -1);
    }

    /** LayerNorm over the last axis with weight and bias (biased variance), as torch's F.layer_norm. */
    private static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray variance = centred.mul(centred).mean(new int[] {-1}, true);
        return centred.div(variance.add((float) LAYER_NORM_EPS).sqrt()).mul(weight).add(bias);
    }
}
