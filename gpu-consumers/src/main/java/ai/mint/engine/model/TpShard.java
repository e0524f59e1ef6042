package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one of {@code tp} tensor-parallel ranks holds, by the {@link Projection.Split} of each projection: a
 * column-parallel weight [in, out] keeps its rank's contiguous share of the output columns (its attention heads, its
 * share of the MLP width of every expert), a row-parallel one the matching input rows (so its output is a partial sum
 * that an all-reduce completes), a replicated one all of it. Norms, routers and MLA's latent projections are
 * replicated. LoRA follows PEFT's convention for the base it sits on: on a column-parallel projection A [in, r] is
 * replicated and B is split with the base's output columns; on a row-parallel one A is split with the base's input
 * rows and B [r, out] is replicated; then {@code x_r A_r B} summed over ranks is {@code x A B}.
 */
final class TpShard {

    private TpShard() {
    }

    /** The per-rank config: heads, key/value heads and every MLP width divided by {@code tp}. */
    static ModelConfig config(ModelConfig c, int tp) {
        require(c, "num_attention_heads", c.numHeads(), tp);
        require(c, "num_key_value_heads", c.numKvHeads(), tp);
        require(c, "intermediate_size", c.intermediateSize(), tp);
        require(c, "moe_intermediate_size", c.moeIntermediateSize(), tp);
        require(c, "shared_expert_intermediate_size", c.sharedExpertIntermediateSize(), tp);
        if (c.isDeepseek() && c.deepseek().mla().indexer() != null) {
            throw new EngineException("tensor parallelism does not split DeepSeek-V3.2's lightning indexer yet");
        }
        return new ModelConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize() / tp,
                c.numLayers(), c.numHeads() / tp, c.numKvHeads() / tp, c.headDim(), c.rmsNormEps(), c.ropeTheta(),
                c.maxPositions(), c.tieWordEmbeddings(), c.attentionBias(), c.numExperts(), c.numExpertsPerTok(),
                c.moeIntermediateSize() / tp, c.sharedExpertIntermediateSize() / tp, c.normTopkProb(),
                c.bosTokenId(), c.eosTokenId(), c.ropeScaling(), c.eosTokenIds(), c.nameOrPath(), c.deepseek());
    }

    private static void require(ModelConfig c, String what, int value, int tp) {
        if (value % tp != 0) {
            throw new EngineException("tensor parallelism " + tp + " needs " + what + " (" + value
                    + ") to be a multiple of it on this " + c.modelType() + " base");
        }
    }

    /** Rank {@code rank}'s copy of layer {@code w}, in {@code m} (its device). */
    static LayerWeights layer(LayerWeights w, int rank, int tp, NDManager m) {
        Projection.Split col = Projection.Split.COLUMN;
        Projection.Split row = Projection.Split.ROW;
        Projection.Split all = Projection.Split.REPLICATED;
        return new LayerWeights(
                part(w.inputNorm(), all, rank, tp, m), part(w.postNorm(), all, rank, tp, m),
                part(w.q(), col, rank, tp, m), part(w.k(), col, rank, tp, m), part(w.v(), col, rank, tp, m),
                part(w.o(), row, rank, tp, m),
                bias(w.qBias(), rank, tp, m), bias(w.kBias(), rank, tp, m), bias(w.vBias(), rank, tp, m),
                part(w.gate(), col, rank, tp, m), part(w.up(), col, rank, tp, m), part(w.down(), row, rank, tp, m),
                part(w.router(), all, rank, tp, m),
                part(w.expertGate(), col, rank, tp, m), part(w.expertUp(), col, rank, tp, m),
                part(w.expertDown(), row, rank, tp, m),
                part(w.sharedGate(), col, rank, tp, m), part(w.sharedUp(), col, rank, tp, m),
                part(w.sharedDown(), row, rank, tp, m),
                part(w.sharedExpertGate(), all, rank, tp, m),
                // a row-parallel output's bias is added once, by rank 0, not once per partial sum
                rank == 0 ? part(w.oBias(), all, rank, tp, m) : null,
                mla(w.mla(), rank, tp, m),
                part(w.routerBias(), all, rank, tp, m));
    }

    private static MlaWeights mla(MlaWeights w, int rank, int tp, NDManager m) {
        if (w == null) {
            return null;
        }
        Projection.Split all = Projection.Split.REPLICATED;
        return new MlaWeights(part(w.qA(), all, rank, tp, m), part(w.qANorm(), all, rank, tp, m),
                part(w.qB(), Projection.Split.COLUMN, rank, tp, m), part(w.kvA(), all, rank, tp, m),
                part(w.kvANorm(), all, rank, tp, m), part(w.kvB(), Projection.Split.COLUMN, rank, tp, m),
                heads(w.kUpT(), rank, tp, m), heads(w.vUp(), rank, tp, m),
                part(w.o(), Projection.Split.ROW, rank, tp, m), null);
    }

    /** The lm_head [H, V] of a rank: its share of the vocabulary (an all-gather joins the logits). */
    static NDArray vocabShard(NDArray lmHead, int rank, int tp, NDManager m) {
        return part(lmHead, Projection.Split.COLUMN, rank, tp, m);
    }

    /** Rank {@code rank}'s factors of adapter {@code w}: B split on column-parallel keys, A on row-parallel ones. */
    static LoraWeights lora(LoraWeights w, ModelConfig c, int rank, int tp) {
        if (w == null) {
            return null;
        }
        Map<LoraKey, float[]> a = new LinkedHashMap<>();
        Map<LoraKey, float[]> b = new LinkedHashMap<>();
        try (NDManager host = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (LoraKey key : w.a().keySet()) {
                Projection.Split split = key.projection().split();
                NDArray fa = host.create(w.a().get(key), new Shape(key.shapeA(c, w.rank()))); // [(E,) in, r]
                NDArray fb = host.create(w.b().get(key), new Shape(key.shapeB(c, w.rank()))); // [(E,) r, out]
                // A's input rows split like a row-parallel weight's; B's output columns like a column-parallel one
                a.put(key, slice(fa, fa.getShape().dimension() - 2, split == Projection.Split.ROW, rank, tp));
                b.put(key, slice(fb, fb.getShape().dimension() - 1, split == Projection.Split.COLUMN, rank, tp));
            }
        }
        return new LoraWeights(w.rank(), w.alpha(), w.rsLora(), w.targets(), a, b);
    }

    private static float[] slice(NDArray x, int axis, boolean split, int rank, int tp) {
        return split ? x.get(range(x.getShape(), axis, rank, tp)).toFloatArray() : x.toFloatArray();
    }

    /**
     * A weight [in, out] (or stacked [E, in, out]) split by {@code split}: output columns (the last axis), input
     * rows (the one before), or copied whole. Null stays null.
     */
    private static NDArray part(NDArray w, Projection.Split split, int rank, int tp, NDManager m) {
        if (w == null) {
            return null;
        }
        int dims = w.getShape().dimension();
        return switch (split) {
            case REPLICATED -> copy(w, m);
            case COLUMN -> copy(w.get(range(w.getShape(), dims - 1, rank, tp)), m);
            case ROW -> copy(w.get(range(w.getShape(), dims - 2, rank, tp)), m);
        };
    }

    /** A column-parallel projection's bias [out]: the rank's columns. */
    private static NDArray bias(NDArray b, int rank, int tp, NDManager m) {
        return b == null ? null : copy(b.get(range(b.getShape(), 0, rank, tp)), m);
    }

    /** A per-head stack [Hh, ...] (MLA's absorbed kv_b halves): the rank's heads. */
    private static NDArray heads(NDArray w, int rank, int tp, NDManager m) {
        return w == null ? null : copy(w.get(range(w.getShape(), 0, rank, tp)), m);
    }

    /**
     * The index of rank {@code rank}'s contiguous share of {@code axis}: exactly 1/tp where the size divides (heads
     * and widths must), otherwise the first ranks take one fewer (the vocabulary).
     */
    private static NDIndex range(Shape shape, int axis, int rank, int tp) {
        long n = shape.get(axis);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < axis; i++) {
            s.append(":,");
        }
        s.append(n * rank / tp).append(':').append(n * (rank + 1) / tp);
        return new NDIndex(s.toString());
    }

    /** The array's values in {@code m}: what a rank's own device holds (through the host, as a checkpoint would). */
    private static NDArray copy(NDArray x, NDManager m) {
        return m.create(x.toFloatArray(), x.getShape());
    }
}
