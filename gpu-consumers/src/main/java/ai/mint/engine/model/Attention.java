package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.mint.engine.lora.LoraDelta;

/**
 * Grouped-query self-attention with rotary positions and optional q/k/v (and Llama's o) bias. Query heads are grouped under their
 * key/value head by a reshape to [B, Hkv, G, T, D], so keys and values are never repeated in memory.
 */
final class Attention implements SelfAttention {

    private final ModelConfig c;

    Attention(ModelConfig c) {
        this.c = c;
    }

    @Override
    public NDArray forward(int layer, LayerWeights w, NDArray x, NDArray mask, RotaryEmbedding rotary, NDList rope,
                    LoraDelta lora, KvCache cache) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int d = c.headDim();
        int kv = c.numKvHeads();
        int groups = c.numHeads() / kv;
        NDArray q = Linear.apply(x, w.q(), w.qBias(), lora, layer, Projection.Q);  // [B, T, Hq*D]
        NDArray k = Linear.apply(x, w.k(), w.kBias(), lora, layer, Projection.K);  // [B, T, Hkv*D]
        NDArray v = Linear.apply(x, w.v(), w.vBias(), lora, layer, Projection.V);
        q = rotary.apply(q.reshape(b, t, c.numHeads(), d).transpose(0, 2, 1, 3), rope); // [B, Hq, T, D]
        k = rotary.apply(k.reshape(b, t, kv, d).transpose(0, 2, 1, 3), rope);          // [B, Hkv, T, D]
        v = v.reshape(b, t, kv, d).transpose(0, 2, 1, 3);                               // [B, Hkv, T, D]
        if (cache != null) {
            NDList all = cache.append(layer, k, v);
            k = all.get(0);  // [B, Hkv, S, D]
            v = all.get(1);
        }
        NDArray q5 = q.reshape(b, kv, groups, t, d);             // [B, Hkv, G, T, D]
        NDArray k5 = k.expandDims(2);                             // [B, Hkv, 1, S, D]
        NDArray v5 = v.expandDims(2);
        if (cache != null) {
            // views of the cache's arrays land in the cache's long-lived manager: this step's manager frees them
            k5.attach(q.getManager());
            v5.attach(q.getManager());
        }
        // The scale is an array kept in q's manager, not a Java float: DJL wraps a float operand in a temporary
        // array it closes at once, while autograd keeps it for backward (a GC in between corrupts the gradients).
        NDArray scale = q.getManager().create(1.0f / (float) Math.sqrt(d));
        NDArray scores = q5.matMul(k5.transpose(0, 1, 2, 4, 3))  // [B, Hkv, G, T, S]
                .mul(scale).add(mask);
        NDArray attn = scores.softmax(-1).matMul(v5);            // [B, Hkv, G, T, D]
        NDArray merged = attn.reshape(b, c.numHeads(), t, d).transpose(0, 2, 1, 3)
                .reshape(b, t, (long) c.numHeads() * d);         // [B, T, Hq*D]
        return Linear.apply(merged, w.o(), w.oBias(), lora, layer, Projection.O);
    }
}
