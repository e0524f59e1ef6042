package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.lora.LoraKey;

/**
 * DeepSeek-V3's multi-head latent attention. Keys and values of every head come from one compressed latent per
 * token (kv_a_proj_with_mqa, kv_a_layernorm) expanded by kv_b_proj, plus one rotary key shared by all heads; the
 * cache keeps only the latent and the rotary key. Scores use the softmax scale {@code (dn + dr)^-0.5}, times
 * {@code mscale(factor, mscale_all_dim)^2} under YaRN. Two exact forms of the same maths:
 * <ul>
 *   <li>expanded: kv_b_proj turns the cached latents into per-head keys and values, as transformers computes;</li>
 *   <li>absorbed: kv_b_proj's key half is folded into the queries and its value half applied after attending, so
 *       attention runs in the latent space and the cache is never expanded (DeepSeek's decode path).</li>
 * </ul>
 * {@link Form#AUTO} picks whichever costs fewer multiply-adds for the step's shape: absorbed when decoding a few
 * tokens against a long cache, expanded for a prefill. With DeepSeek-V3.2's indexer each query attends only to the
 * tokens it selects ({@link LightningIndexer}).
 */
final class MlaAttention implements SelfAttention {

    /** How the attention is computed; the two forms agree to float rounding. */
    enum Form { AUTO, EXPANDED, ABSORBED }

    /** transformers' DeepseekV3RMSNorm default, used by q_a_layernorm and kv_a_layernorm whatever rms_norm_eps is. */
    static final double LATENT_NORM_EPS = 1e-6;

    private final ModelConfig c;
    private final DeepseekSpec.Mla mla;
    private final float scale;
    private final Form form;
    private final LightningIndexer indexer;

    MlaAttention(ModelConfig c, Form form) {
        this.c = c;
        this.mla = c.deepseek().mla();
        this.scale = (float) (c.ropeScaling().deepseekSoftmaxMultiplier() / Math.sqrt(mla.qkHeadDim()));
        this.form = form;
        this.indexer = mla.indexer() == null ? null : new LightningIndexer(mla.indexer(), mla.qkRopeHeadDim());
    }

    @Override
    public NDArray forward(int layer, LayerWeights w, NDArray x, NDArray mask, RotaryEmbedding rotary, NDList rope,
                           LoraDelta lora, KvCache cache) {
        MlaWeights m = w.mla();
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = c.numHeads();
        int dn = mla.qkNopeHeadDim();
        int kvRank = mla.kvLoraRank();
        NDArray qLatent = m.qA() == null ? null : Linear.rmsNorm(Linear.apply(x, m.qA(), null, lora, layer,
                Projection.Q_A), m.qANorm(), LATENT_NORM_EPS);                           // [B, T, qr]
        NDArray q = (qLatent == null ? Linear.apply(x, m.qB(), null, lora, layer, Projection.Q)
                : Linear.apply(qLatent, m.qB(), null, lora, layer, Projection.Q_B))
                .reshape(b, t, heads, mla.qkHeadDim()).transpose(0, 2, 1, 3);           // [B, Hh, T, dn + dr]
        NDArray qNope = q.get(new NDIndex("..., :{}", dn));                              // [B, Hh, T, dn]
        NDArray qPe = rotary.apply(q.get(new NDIndex("..., {}:", dn)), rope);           // [B, Hh, T, dr]
        NDArray compressed = Linear.apply(x, m.kvA(), null, lora, layer, Projection.KV_A); // [B, T, C + dr]
        NDArray latent = Linear.rmsNorm(compressed.get(new NDIndex("..., :{}", kvRank)), m.kvANorm(),
                LATENT_NORM_EPS).expandDims(1);                                          // [B, 1, T, C]
        NDArray kPe = rotary.apply(compressed.get(new NDIndex("..., {}:", kvRank)).expandDims(1), rope); // [B,1,T,dr]
        NDArray indexKeys = indexer == null ? null : indexer.keys(m.indexer(), x, rotary, rope); // [B, 1, T, Di]
        if (cache != null) {
            NDList all = indexKeys == null ? cache.appendParts(layer, latent, kPe)
                    : cache.appendParts(layer, latent, kPe, indexKeys);
            latent = all.get(0);   // [B, 1, S, C]
            kPe = all.get(1);      // [B, 1, S, dr]
            indexKeys = indexKeys == null ? null : all.get(2);
        }
        NDArray scoreMask = mask.squeeze(2);                                             // [B|1, 1, T, S]
        if (indexer != null) {
            scoreMask = scoreMask.add(indexer.selection(m.indexer(), qLatent, x, indexKeys, scoreMask, rotary, rope));
        }
        long s = latent.getShape().get(2);
        // an adapter on kv_b_proj differs per row, so it cannot fold into the shared absorbed kUpT / vUp
        boolean kvBAdapted = lora != null && lora.covers(LoraKey.module(layer, Projection.KV_B));
        NDArray out = !kvBAdapted && absorbed(t, s) ? attendAbsorbed(m, qNope, qPe, latent, kPe, scoreMask)
                : attendExpanded(layer, m, qNope, qPe, latent, kPe, scoreMask, lora);   // [B, Hh, T, dv]
        NDArray merged = out.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * mla.vHeadDim()); // [B, T, Hh * dv]
        return Linear.apply(merged, m.o(), null, lora, layer, Projection.O);
    }

    /** Multiply-adds of each form for T new queries over S cached positions; absorbed only when strictly cheaper. */
    boolean absorbed(long t, long s) {
        if (form != Form.AUTO) {
            return form == Form.ABSORBED;
        }
        long heads = c.numHeads();
        long kv = mla.kvLoraRank();
        long dn = mla.qkNopeHeadDim();
        long dr = mla.qkRopeHeadDim();
        long dv = mla.vHeadDim();
        long expanded = s * kv * heads * (dn + dv) + t * s * heads * (dn + dr + dv);
        long absorbed = t * heads * kv * (dn + dv) + t * s * heads * (2 * kv + dr);
        return absorbed < expanded;
    }

    /** kv_b_proj (with each row's LoRA on it) expands every cached latent into per-head keys and values. */
    private NDArray attendExpanded(int layer, MlaWeights m, NDArray qNope, NDArray qPe, NDArray latent, NDArray kPe,
                                   NDArray scoreMask, LoraDelta lora) {
        long b = latent.getShape().get(0);
        long s = latent.getShape().get(2);
        int dn = mla.qkNopeHeadDim();
        NDArray kv = Linear.apply(latent.squeeze(1), m.kvB(), null, lora, layer, Projection.KV_B)
                .reshape(b, s, c.numHeads(), dn + mla.vHeadDim()).transpose(0, 2, 1, 3); // [B, Hh, S, dn + dv]
        NDArray kNope = kv.get(new NDIndex("..., :{}", dn));                              // [B, Hh, S, dn]
        NDArray v = kv.get(new NDIndex("..., {}:", dn));                                  // [B, Hh, S, dv]
        NDArray scores = qNope.matMul(kNope.transpose(0, 1, 3, 2)).add(sharedKeyScores(qPe, kPe)); // [B,Hh,T,S]
        return probabilities(scores, scoreMask).matMul(v);                               // [B, Hh, T, dv]
    }

    /** Queries move into the latent space (q_nope W_uk), attend over the latents, then W_uv maps back per head. */
    private NDArray attendAbsorbed(MlaWeights m, NDArray qNope, NDArray qPe, NDArray latent, NDArray kPe,
                                   NDArray scoreMask) {
        NDArray qLatent = perHead(qNope, m.kUpT());                                       // [B, Hh, T, C]
        NDArray scores = sharedKeyScores(qLatent, latent).add(sharedKeyScores(qPe, kPe)); // [B, Hh, T, S]
        NDArray outLatent = sharedValues(probabilities(scores, scoreMask), latent);      // [B, Hh, T, C]
        return perHead(outLatent, m.vUp());                                              // [B, Hh, T, dv]
    }

    /**
     * {@code q} [B, Hh, T, d] against keys shared by every head {@code k} [B, 1, S, d]: [B, Hh, T, S]. Heads are
     * folded into the rows ([B, Hh * T, d] x [B, d, S]) so that PyTorch never copies the keys once per head, as a
     * broadcasting matmul would.
     */
    static NDArray sharedKeyScores(NDArray q, NDArray k) {
        Shape s = q.getShape();
        NDArray scores = q.reshape(s.get(0), s.get(1) * s.get(2), s.get(3)).matMul(k.squeeze(1).transpose(0, 2, 1));
        return scores.reshape(s.get(0), s.get(1), s.get(2), -1);
    }

    /** Attention weights {@code p} [B, Hh, T, S] over values shared by every head {@code v} [B, 1, S, d]. */
    private static NDArray sharedValues(NDArray p, NDArray v) {
        Shape s = p.getShape();
        return p.reshape(s.get(0), s.get(1) * s.get(2), s.get(3)).matMul(v.squeeze(1))
                .reshape(s.get(0), s.get(1), s.get(2), -1);
    }

    /** {@code x} [B, Hh, T, a] times each head's own matrix {@code w} [Hh, a, b], batched over heads: [B, Hh, T, b]. */
    private static NDArray perHead(NDArray x, NDArray w) {
        Shape s = x.getShape();
        NDArray byHead = x.transpose(1, 0, 2, 3).reshape(s.get(1), s.get(0) * s.get(2), s.get(3)); // [Hh, B*T, a]
        return byHead.matMul(w).reshape(s.get(1), s.get(0), s.get(2), -1).transpose(1, 0, 2, 3);
    }

    private NDArray probabilities(NDArray scores, NDArray scoreMask) {
        // the scale is an array in the batch's manager: autograd keeps it for backward (see docs/DEVELOPING.md)
        return scores.mul(scores.getManager().create(scale)).add(scoreMask).softmax(-1);
    }
}
