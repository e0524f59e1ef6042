package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.lora.LoraDelta;

/**
 * The functional forward pass of the decoder over a resident {@link BaseModel}: tokens in, logits out, with each
 * row's LoRA correction from a {@link LoraDelta}. Serving (with a {@link KvCache}) and training (under a gradient
 * collector, without a cache) call the same method. All results land in the manager of {@code tokens}. Attention is
 * grouped-query ({@link Attention}) or, for DeepSeek-V3, multi-head latent ({@link MlaAttention}); MoE layers run
 * their experts as {@link MoeCompute} says.
 */
public final class DecoderModel {

    /** Added to attention scores that must be ignored; finite so that a fully masked padding row cannot give NaN. */
    static final float MASKED = -1e9f;

    private final BaseModel base;
    private final RotaryEmbedding rotary;
    private final SelfAttention attention;
    private final MoeBlock moe;

    public DecoderModel(BaseModel base) {
        this(base, MoeCompute.AUTO);
    }

    /** A model whose MoE layers compute as {@code moeCompute} says (e.g. dense-masked as a reference). */
    public DecoderModel(BaseModel base, MoeCompute moeCompute) {
        this(base, moeCompute, MlaAttention.Form.AUTO);
    }

    DecoderModel(BaseModel base, MoeCompute moeCompute, MlaAttention.Form mlaForm) {
        this.base = base;
        ModelConfig c = base.config();
        // rotary width: head_dim, which for DeepSeek is qk_rope_head_dim
        this.rotary = new RotaryEmbedding(base.manager(), c.headDim(),
                c.ropeScaling().inverseFrequencies(c.headDim(), c.ropeTheta()), Math.min(c.maxPositions(), 1 << 15),
                c.ropeScaling().ropeAmplitude());
        this.attention = c.isDeepseek() ? new MlaAttention(c, mlaForm) : new Attention(c);
        this.moe = c.isMoe() ? new MoeBlock(c, moeCompute) : null;
    }

    /** How this model's MoE layers compute (null for a dense model). */
    public MoeCompute moeCompute() {
        return moe == null ? null : moe.compute();
    }

    public BaseModel base() {
        return base;
    }

    public ModelConfig config() {
        return base.config();
    }

    /**
     * The number of positions this model can encode: max_position_embeddings, capped by the rotary table kept
     * resident. A prompt plus its new tokens must fit in it.
     */
    public int maxPositions() {
        return rotary.maxPositions();
    }

    /** Throws a clear error when a sequence of {@code promptLength + maxNewTokens} would not fit. */
    public void checkFits(int promptLength, int maxNewTokens) {
        long needed = (long) promptLength + maxNewTokens;
        if (needed > maxPositions()) {
            throw new ai.mint.engine.EngineException("prompt of " + promptLength + " tokens plus max_tokens "
                    + maxNewTokens + " needs " + needed + " positions but this model encodes at most "
                    + maxPositions() + " (max_position_embeddings " + config().maxPositions() + ")");
        }
    }

    /**
     * @param tokens    [B, T] int64 token ids (padding ids are arbitrary but must be valid ids)
     * @param positions [B, T] int64 rotary positions (real tokens of a left-padded row start at 0)
     * @param keyMask   [B, S] int64/float, 1 for real tokens and 0 for padding over cached + new positions
     *                  (S = cache length + T); null means every position is real
     * @param lora      each row's adapter correction, or null for the base alone (e.g. the KL reference)
     * @param cache     past keys/values, extended in place; null for a full (training) forward
     * @return logits [B, T, V]
     */
    public NDArray forward(NDArray tokens, NDArray positions, NDArray keyMask, LoraDelta lora, KvCache cache) {
        ModelConfig c = base.config();
        NDManager m = tokens.getManager();
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        long past = cache == null ? 0 : cache.length();
        NDArray x = base.embed().get(new NDIndex("{}", tokens.reshape(-1)));
        x.attach(m);
        x = x.reshape(b, t, c.hiddenSize());                           // [B, T, H]
        NDArray mask = attentionMask(m, keyMask, b, t, past);          // [B, 1, 1, T, S]
        NDList rope = rotary.lookup(positions);
        for (int layer = 0; layer < c.numLayers(); layer++) {
            LayerWeights w = base.layers().get(layer);
            NDArray h = Linear.rmsNorm(x, w.inputNorm(), c.rmsNormEps());
            x = x.add(attention.forward(layer, w, h, mask, rotary, rope, lora, cache));
            h = Linear.rmsNorm(x, w.postNorm(), c.rmsNormEps());
            x = x.add(w.isMoe() ? moe.forward(layer, w, h, lora) : Mlp.forward(layer, w, h, lora));
        }
        return Linear.rmsNorm(x, base.finalNorm(), c.rmsNormEps()).matMul(base.lmHead()); // [B, T, V]
    }

    /** Causal mask over cache + new positions combined with the key padding mask, as additive scores. */
    static NDArray attentionMask(NDManager m, NDArray keyMask, long b, long t, long past) {
        long s = past + t;
        float[] causal = new float[(int) (t * s)];
        for (int i = 0; i < t; i++) {
            for (long j = past + i + 1; j < s; j++) {
                causal[(int) (i * s + j)] = MASKED;
            }
        }
        NDArray mask = m.create(causal, new Shape(1, 1, 1, t, s));
        if (keyMask == null) {
            return mask;
        }
        // (1 - keep) * MASKED: 0 for real keys, MASKED for padding
        NDArray padding = keyMask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED).reshape(b, 1, 1, 1, s);
        return mask.add(padding);
    }

    /** Log-probability of {@code targets} [B, T] under {@code logits} [B, T, V]: [B, T]. */
    public static NDArray tokenLogProbs(NDArray logits, NDArray targets) {
        return logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1);
    }
}
