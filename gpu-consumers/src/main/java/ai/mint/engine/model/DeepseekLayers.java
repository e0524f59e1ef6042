package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.safetensors.HostTensor;

/**
 * Builds DeepSeek-V3 decoder layers from the checkpoint's tensor names (transformers' and DeepSeek's):
 * {@code self_attn.{q_a_proj, q_a_layernorm, q_b_proj | q_proj, kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj,
 * o_proj}}, V3.2's {@code self_attn.indexer.{wq_b, wk, k_norm, weights_proj}}, a dense {@code mlp.*} before
 * {@code first_k_dense_replace}, then {@code mlp.gate} (+ {@code e_score_correction_bias}),
 * {@code mlp.experts.N.*} and {@code mlp.shared_experts.*}.
 */
final class DeepseekLayers {

    private final ModelConfig c;
    private final DeepseekSpec.Mla mla;
    private final WeightReader r;

    DeepseekLayers(WeightReader r) {
        this.r = r;
        this.c = r.config();
        this.mla = c.deepseek().mla();
    }

    LayerWeights layer(int i) {
        int h = c.hiddenSize();
        String p = "model.layers." + i + ".";
        NDArray[] dense = {null, null, null};
        NDArray router = null;
        NDArray routerBias = null;
        NDArray[] experts = {null, null, null};
        NDArray[] shared = {null, null, null};
        if (!c.isMoeLayer(i)) {
            dense[0] = r.linear(p + "mlp.gate_proj.weight", h, c.intermediateSize());
            dense[1] = r.linear(p + "mlp.up_proj.weight", h, c.intermediateSize());
            dense[2] = r.linear(p + "mlp.down_proj.weight", c.intermediateSize(), h);
        } else {
            int ei = c.expertIntermediateSize();
            router = r.linear(p + "mlp.gate.weight", h, c.numExperts());
            routerBias = r.vector(p + "mlp.gate.e_score_correction_bias", c.numExperts());
            experts[0] = r.expertStack(i, Projection.GATE, h, ei);
            experts[1] = r.expertStack(i, Projection.UP, h, ei);
            experts[2] = r.expertStack(i, Projection.DOWN, ei, h);
            if (c.deepseek().sharedExperts() > 0) {
                int si = c.sharedExpertIntermediateSize();
                shared[0] = r.linear(p + "mlp.shared_experts.gate_proj.weight", h, si);
                shared[1] = r.linear(p + "mlp.shared_experts.up_proj.weight", h, si);
                shared[2] = r.linear(p + "mlp.shared_experts.down_proj.weight", si, h);
            }
        }
        return new LayerWeights(r.vector(p + "input_layernorm.weight", h),
                r.vector(p + "post_attention_layernorm.weight", h), null, null, null, null, null, null, null,
                dense[0], dense[1], dense[2], router, experts[0], experts[1], experts[2],
                shared[0], shared[1], shared[2], null, null, attention(p + "self_attn."), routerBias);
    }

    private MlaWeights attention(String a) {
        int h = c.hiddenSize();
        int heads = c.numHeads();
        int dn = mla.qkNopeHeadDim();
        int dr = mla.qkRopeHeadDim();
        int dv = mla.vHeadDim();
        int kv = mla.kvLoraRank();
        int qr = mla.qLoraRank();
        int qOut = heads * (dn + dr);
        NDArray qA = null;
        NDArray qANorm = null;
        NDArray qB;
        if (qr > 0) {
            qA = r.linear(a + "q_a_proj.weight", h, qr);
            qANorm = r.vector(a + "q_a_layernorm.weight", qr);
            qB = r.linear(ropeRows(Projection.Q_B, r.get(a + "q_b_proj.weight", qOut, qr), qr), qr, qOut);
        } else {
            qB = r.linear(ropeRows(Projection.Q, r.get(a + "q_proj.weight", qOut, h), h), h, qOut);
        }
        NDArray kvA = r.linear(ropeRows(Projection.KV_A, r.get(a + "kv_a_proj_with_mqa.weight", kv + dr, h), h),
                h, kv + dr);
        HostTensor kvB = r.get(a + "kv_b_proj.weight", (long) heads * (dn + dv), kv);
        return new MlaWeights(qA, qANorm, qB, kvA, r.vector(a + "kv_a_layernorm.weight", kv),
                r.linear(kvB.floats(), kv, heads * (dn + dv)), keyUp(kvB.floats()), valueUp(kvB.floats()),
                r.linear(a + "o_proj.weight", heads * dv, h), mla.indexer() == null ? null : indexer(a + "indexer."));
    }

    private IndexerWeights indexer(String x) {
        DeepseekSpec.Indexer ix = mla.indexer();
        int h = c.hiddenSize();
        return new IndexerWeights(r.linear(x + "wq_b.weight", mla.qLoraRank(), ix.heads() * ix.headDim()),
                r.linear(x + "wk.weight", h, ix.headDim()), r.vector(x + "k_norm.weight", ix.headDim()),
                r.vector(x + "k_norm.bias", ix.headDim()), r.linear(x + "weights_proj.weight", h, ix.heads()));
    }

    /** The checkpoint rows [out, cols] of {@code p} in the engine's rotary order ({@link RotaryRows}). */
    private float[] ropeRows(Projection p, HostTensor w, int cols) {
        RotaryRows order = RotaryRows.of(c, p);
        return order == null ? w.floats() : order.toEngine(w.floats(), cols);
    }

    /** kv_b_proj [Hh * (dn + dv), C]: each head's first dn rows as they are, [Hh, dn, C]. */
    private NDArray keyUp(float[] kvB) {
        int heads = c.numHeads();
        int dn = mla.qkNopeHeadDim();
        int dv = mla.vHeadDim();
        int kv = mla.kvLoraRank();
        float[] out = new float[heads * dn * kv];
        for (int hd = 0; hd < heads; hd++) {
            System.arraycopy(kvB, hd * (dn + dv) * kv, out, hd * dn * kv, dn * kv);
        }
        return r.own(r.manager().create(out, new Shape(heads, dn, kv)));
    }

    /** kv_b_proj [Hh * (dn + dv), C]: each head's last dv rows transposed, [Hh, C, dv]. */
    private NDArray valueUp(float[] kvB) {
        int heads = c.numHeads();
        int dn = mla.qkNopeHeadDim();
        int dv = mla.vHeadDim();
        int kv = mla.kvLoraRank();
        float[] out = new float[heads * kv * dv];
        for (int hd = 0; hd < heads; hd++) {
            float[] rows = new float[dv * kv];
            System.arraycopy(kvB, (hd * (dn + dv) + dn) * kv, rows, 0, dv * kv);
            System.arraycopy(BaseModel.transpose(rows, dv, kv), 0, out, hd * kv * dv, kv * dv);
        }
        return r.own(r.manager().create(out, new Shape(heads, kv, dv)));
    }
}
