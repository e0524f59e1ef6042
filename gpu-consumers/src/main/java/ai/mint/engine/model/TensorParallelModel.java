package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.lora.LoraWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The decoder split over {@code tp} tensor-parallel ranks, each a thread with its own manager (its device) holding
 * only its {@link TpShard shard}: its attention heads (MLA: its heads of q_b/kv_b/o, the latent projections
 * replicated), its share of every MLP width (dense, each routed expert, the shared expert) and its share of the
 * vocabulary in lm_head; each rank's LoRA factors split as PEFT's convention requires. Every rank runs the engine's
 * own layer code ({@link Attention}, {@link MlaAttention}, {@link Mlp}, {@link MoeBlock}) on its shard config; the
 * partial outputs of o_proj and down_proj are completed by an explicit {@link #allReduce all-reduce} (the sum of
 * the partials, handed to every rank), and the logits by an all-gather. Embedding, norms and the residual stream are
 * replicated. Full forwards only (no KV cache): it exists to show that the split computes what one rank computes.
 */
public final class TensorParallelModel implements AutoCloseable {

    private final BaseModel base;
    private final ModelConfig shard;
    private final List<Rank> ranks = new ArrayList<>();
    private final ExecutorService threads;

    /** One rank: its device (manager), its shard of the layers and of lm_head, its copy of the layer code. */
    private static final class Rank {
        final NDManager device;
        final List<LayerWeights> layers = new ArrayList<>();
        final NDArray lmHead;      // [H, V / tp]
        final RotaryEmbedding rotary;
        final SelfAttention attention;
        final MoeBlock moe;

        Rank(BaseModel base, ModelConfig shard, int rank, int tp, MoeCompute moeCompute, MlaAttention.Form mlaForm) {
            ModelConfig c = base.config();
            this.device = NDManager.newBaseManager(base.device());
            for (LayerWeights w : base.layers()) {
                layers.add(TpShard.layer(w, rank, tp, device));
            }
            this.lmHead = TpShard.vocabShard(base.lmHead(), rank, tp, device);
            this.rotary = new RotaryEmbedding(device, c.headDim(),
                    c.ropeScaling().inverseFrequencies(c.headDim(), c.ropeTheta()),
                    Math.min(c.maxPositions(), 1 << 15), c.ropeScaling().ropeAmplitude());
            this.attention = c.isDeepseek() ? new MlaAttention(shard, mlaForm) : new Attention(shard);
            this.moe = c.isMoe() ? new MoeBlock(shard, moeCompute) : null;
        }
    }

    /** The per-forward state of a rank: its batch manager, its rotary tables and its adapters' deltas. */
    private record Step(Rank rank, NDManager batch, NDList rope, LoraDelta lora) {
    }

    private TensorParallelModel(BaseModel base, int tp, MoeCompute moeCompute, MlaAttention.Form mlaForm) {
        this.base = base;
        this.shard = TpShard.config(base.config(), tp);
        this.threads = Executors.newFixedThreadPool(tp, r -> {
            Thread t = new Thread(r, "tp-rank");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int rank = 0; rank < tp; rank++) {
                ranks.add(new Rank(base, shard, rank, tp, moeCompute, mlaForm));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Splits the resident {@code base} over {@code tp} ranks (the base itself stays as it is). */
    public static TensorParallelModel split(BaseModel base, int tp) {
        return split(base, tp, MoeCompute.AUTO, MlaAttention.Form.AUTO);
    }

    /** The same with the MoE and latent-attention forms fixed (to cover each one in tests). */
    static TensorParallelModel split(BaseModel base, int tp, MoeCompute moeCompute, MlaAttention.Form mlaForm) {
        if (tp < 1) {
            throw new EngineException("tensor parallelism must be at least 1, not " + tp);
        }
        return new TensorParallelModel(base, tp, moeCompute, mlaForm);
    }

    public int ranks() {
        return ranks.size();
    }

    /**
     * A full forward like {@link DecoderModel#forward} without padding or cache.
     *
     * @param tokens    [B, T] int64
     * @param positions [B, T] int64
     * @param adapters  the batch's adapters (slot i+1 holds adapters.get(i)), or empty
     * @param rowSlots  each row's slot (0: the base alone), [B]
     * @return logits [B, T, V] in the manager of {@code tokens}
     */
    public NDArray forward(NDArray tokens, NDArray positions, List<LoraWeights> adapters, long[] rowSlots) {
        ModelConfig c = base.config();
        NDManager m = tokens.getManager();
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        List<Step> steps = new ArrayList<>();
        List<LoraBank> banks = new ArrayList<>();
        try {
            for (int r = 0; r < ranks.size(); r++) {
                Rank rank = ranks.get(r);
                NDManager batch = rank.device.newSubManager();
                LoraDelta lora = null;
                if (!adapters.isEmpty()) {
                    List<LoraWeights> mine = new ArrayList<>();
                    for (LoraWeights w : adapters) {
                        mine.add(TpShard.lora(w, c, r, ranks.size()));
                    }
                    LoraBank bank = LoraBank.of(rank.device, shard, mine);
                    banks.add(bank);
                    lora = bank.bind(batch.create(rowSlots));
                }
                steps.add(new Step(rank, batch, rank.rotary.lookup(broadcast(positions, batch)), lora));
            }
            NDArray x = base.embed().get(new NDIndex("{}", tokens.reshape(-1)));
            x.attach(m);
            x = x.reshape(b, t, c.hiddenSize());                                   // [B, T, H], replicated
            NDArray mask = DecoderModel.attentionMask(m, null, b, t, 0);            // [1, 1, 1, T, T]
            for (int layer = 0; layer < c.numLayers(); layer++) {
                int l = layer;
                LayerWeights w = base.layers().get(layer);
                NDArray h = Linear.rmsNorm(x, w.inputNorm(), c.rmsNormEps());
                x = x.add(allReduce(onEveryRank(steps, s -> s.rank.attention.forward(l, s.rank.layers.get(l),
                        broadcast(h, s.batch), broadcast(mask, s.batch), s.rank.rotary, s.rope, s.lora, null)), m));
                NDArray h2 = Linear.rmsNorm(x, w.postNorm(), c.rmsNormEps());
                x = x.add(allReduce(onEveryRank(steps, s -> {
                    LayerWeights mine = s.rank.layers.get(l);
                    NDArray in = broadcast(h2, s.batch);
                    return mine.isMoe() ? s.rank.moe.forward(l, mine, in, s.lora) : Mlp.forward(l, mine, in, s.lora);
                }), m));
            }
            NDArray normed = Linear.rmsNorm(x, base.finalNorm(), c.rmsNormEps());
            // lm_head is column-parallel over the vocabulary: each rank's logits, gathered side by side
            List<NDArray> parts = onEveryRank(steps, s -> broadcast(normed, s.batch).matMul(s.rank.lmHead));
            NDList gathered = new NDList();
            for (NDArray p : parts) {
                gathered.add(broadcast(p, m));
            }
            return NDArrays.concat(gathered, -1);                                   // [B, T, V]
        } finally {
            banks.forEach(LoraBank::close);
            steps.forEach(s -> s.batch.close());
        }
    }

    /**
     * The all-reduce of tensor parallelism, written out: every rank's partial output is brought to one place and
     * summed; the sum is what every rank continues with (here the replicated residual stream, in {@code m}).
     */
    static NDArray allReduce(List<NDArray> partials, NDManager m) {
        NDArray sum = broadcast(partials.get(0), m);
        for (int i = 1; i < partials.size(); i++) {
            sum = sum.add(broadcast(partials.get(i), m));
        }
        return sum;
    }

    /** Runs {@code work} on every rank's own thread at once; returns each rank's result, in rank order. */
    private List<NDArray> onEveryRank(List<Step> steps, Function<Step, NDArray> work) {
        List<Future<NDArray>> running = new ArrayList<>();
        for (Step s : steps) {
            running.add(threads.submit(() -> work.apply(s)));
        }
        List<NDArray> out = new ArrayList<>();
        try {
            for (Future<NDArray> f : running) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while tensor-parallel ranks ran", e);
        } catch (ExecutionException e) {
            throw new EngineException("a tensor-parallel rank failed: " + e.getCause().getMessage(), e.getCause());
        }
        return out;
    }

    /** A copy of {@code x} on the device of {@code m} (the transfer between ranks; through the host here). */
    private static NDArray broadcast(NDArray x, NDManager m) {
        Shape shape = x.getShape();
        return switch (x.getDataType()) {
            case INT64 -> m.create(x.toLongArray(), shape);
            default -> m.create(x.toFloatArray(), shape);
        };
    }

    @Override
    public void close() {
        threads.shutdownNow();
        ranks.forEach(r -> r.device.close());
    }
}
