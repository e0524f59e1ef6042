package ai.mint.engine.reference;

import ai.djl.Device;
import ai.mint.engine.Forwards;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModuleSite;
import ai.mint.engine.model.MoeCompute;
import ai.mint.engine.model.Projection;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's DeepSeek-V3 forward (latent attention, YaRN, group-limited sigmoid routing, shared experts, first-k
 * dense, V3.2's sparse attention) against {@link NaiveDeepseekDecoder}, a scalar double-precision transcription of
 * transformers' modelling code and DeepSeek's indexer, on sharpened micro checkpoints; 1e-4 on logits of ~1-10.
 */
class DeepseekReferenceTest {

    static final double TOLERANCE = 1e-4;
    static final int LENGTH = 7;

    @TempDir
    Path dir;

    @Test
    void latentAttentionWithQueryLatentMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.deepseek(false, j -> { });
        assertThat(c.deepseek().mla().qLoraRank()).isPositive();
        assertThat(c.deepseek().mla().ropeInterleave()).isTrue();
        matchesReference(c, "base");
    }

    @Test
    void fullRankQueryProjectionMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.deepseek(false, j -> j.putNull("q_lora_rank"));
        assertThat(c.deepseek().mla().qLoraRank()).isZero();
        matchesReference(c, "base");
    }

    @Test
    void nonInterleavedRopeMatchesReference() {
        matchesReference(ReferenceCheckpoints.deepseek(false, j -> j.put("rope_interleave", false)), "base");
    }

    /**
     * factor 4 over an original context of 64: rotary dimensions 0, 1, 2-3 fall in YaRN's extrapolated, ramped and
     * interpolated regimes; mscale 1 vs mscale_all_dim 0.7 puts an amplitude on cos/sin and a softmax factor.
     */
    @Test
    void yarnWithMscaleMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.deepseek(false, yarn());
        assertThat(c.ropeScaling().ropeAmplitude()).isNotEqualTo(1.0);
        assertThat(c.ropeScaling().deepseekSoftmaxMultiplier()).isGreaterThan(1.0);
        matchesReference(c, "base");
    }

    /** Only 2 of 4 groups are searched: the limit must change some token's experts, and both must match. */
    @Test
    void groupLimitedRoutingMatchesReferenceAndMatters() {
        float[] limited = matchesReference(ReferenceCheckpoints.deepseek(false, j -> { }), "limited");
        float[] open = matchesReference(ReferenceCheckpoints.deepseek(false, j -> j.put("topk_group", 4)), "open");
        assertThat(ReferenceComparison.largestDifference(limited, open)).as("group limit changes the logits")
                .isGreaterThan(100 * TOLERANCE);
    }

    /** index_topk 3 of up to 7 positions: most queries attend to a strict subset chosen by the indexer. */
    @Test
    void sparseAttentionAtSmallTopKMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.deepseek(true, yarn());
        assertThat(c.deepseek().indexer().topK()).isLessThan(LENGTH);
        float[] sparse = matchesReference(c, "sparse");
        float[] dense = matchesReference(ReferenceCheckpoints.deepseek(true, yarn().andThen(
                j -> j.put("index_topk", LENGTH))), "dense");
        assertThat(ReferenceComparison.largestDifference(sparse, dense)).as("top-3 selection changes the logits")
                .isGreaterThan(100 * TOLERANCE);
    }

    /** index_topk >= length keeps every token: exactly dense MLA, the same checkpoint read as deepseek_v3. */
    @Test
    void sparseAttentionWithTopKAtLeastTheLengthEqualsDenseLatentAttentionExactly() {
        ModelConfig sparse = ReferenceCheckpoints.deepseek(true, yarn().andThen(j -> j.put("index_topk", LENGTH)));
        float[] withIndexer = matchesReference(sparse, "v32");
        ObjectNode v3 = sparse.toJson();
        v3.put("model_type", "deepseek_v3");
        v3.remove("index_topk");
        v3.remove("index_n_heads");
        v3.remove("index_head_dim");
        // the same weights read as deepseek_v3: the indexer's tensors are simply not used
        Path base = dir.resolve("v32");
        ModelConfig.fromJson(v3).write(base.resolve("config.json"));
        DecoderModel model = HfModelLoader.load(base, Device.cpu());
        try {
            assertThat(Forwards.logits(model, Forwards.tokens(2, LENGTH, 5), null, null)).containsExactly(withIndexer);
        } finally {
            model.base().close();
        }
    }

    /**
     * A rank-4 adapter on every projection the base has (q_a, q_b, kv_a, kv_b, o; the dense first layer's MLP; each
     * routed expert; the shared experts), read from PEFT files by the reference with the checkpoint's interleaved
     * rotary rows: it must move the logits, and engine and reference must agree with the experts run sparsely and
     * dense-masked.
     */
    @Test
    void loraOnLatentAttentionAndEveryExpertMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.deepseek(false, yarn());
        assertThat(Projection.allOn(c)).contains(Projection.Q_A, Projection.Q_B, Projection.KV_A, Projection.KV_B,
                Projection.O, Projection.GATE, Projection.UP, Projection.DOWN);
        LoraWeights adapter = LoraWeights.random(c, Projection.allOn(c), 4, 8f, 3, true);
        assertThat(adapter.a().keySet()).anyMatch(k -> k.site() == ModuleSite.SHARED_EXPERT)
                .anyMatch(k -> k.site() == ModuleSite.EXPERTS).anyMatch(k -> k.layer() == 0
                        && k.projection() == Projection.GATE && k.site() == ModuleSite.LAYER);
        for (MoeCompute compute : new MoeCompute[] {MoeCompute.SPARSE, MoeCompute.DENSE_MASKED}) {
            matchesReference(c, "lora-" + compute, adapter, compute);
        }
    }

    /** Full-rank q_proj and rotary rows that are not interleaved: the adapter's B rows are then used as stored. */
    @Test
    void loraOnFullRankQueryWithoutInterleavedRopeMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.deepseek(false, j -> j.putNull("q_lora_rank").put("rope_interleave",
                false));
        LoraWeights adapter = LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.KV_A, Projection.O,
                Projection.DOWN), 3, 6f, 8, true);
        matchesReference(c, "lora-full-q", adapter, MoeCompute.AUTO);
    }

    /** DSA's indexer reads the adapted query latent (q_a_proj with LoRA), as DeepSeek-V3.2 computes it. */
    @Test
    void loraUnderSparseAttentionMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.deepseek(true, yarn());
        LoraWeights adapter = LoraWeights.random(c, EnumSet.of(Projection.Q_A, Projection.KV_B, Projection.UP), 2,
                4f, 5, true);
        matchesReference(c, "lora-dsa", adapter, MoeCompute.AUTO);
    }

    private static Consumer<ObjectNode> yarn() {
        return j -> j.putObject("rope_scaling").put("type", "yarn").put("factor", 4.0).put("mscale", 1.0)
                .put("mscale_all_dim", 0.7).put("original_max_position_embeddings", 64);
    }

    /** Runs engine and reference on two rows of {@link #LENGTH} tokens; returns the engine's logits. */
    private float[] matchesReference(ModelConfig c, String name) {
        return matchesReference(c, name, null, MoeCompute.AUTO);
    }

    /**
     * Runs engine (its MoE layers as {@code compute} says) and reference on two rows of {@link #LENGTH} tokens,
     * both through {@code adapter} (read back from its PEFT files) when there is one; returns the engine's logits.
     */
    private float[] matchesReference(ModelConfig c, String name, LoraWeights adapter, MoeCompute compute) {
        Path base = ReferenceCheckpoints.write(dir.resolve(name), c, 11);
        NaiveDeepseekDecoder reference = new NaiveDeepseekDecoder(base);
        Path adapterDir = dir.resolve(name + "-adapter");
        if (adapter != null) {
            PeftAdapterIo.write(adapterDir, adapter, c);
            reference.withPeftAdapter(adapterDir);
        }
        long[][] rows = Forwards.tokens(2, LENGTH, 5);
        DecoderModel loaded = HfModelLoader.load(base, Device.cpu());
        DecoderModel model = new DecoderModel(loaded.base(), compute);
        try (LoraBank bank = adapter == null ? null : LoraBank.of(model.base().manager(), c,
                List.of(PeftAdapterIo.read(adapterDir, c)))) {
            float[] engine = Forwards.logits(model, rows, bank, adapter == null ? null : new long[] {1, 1});
            ReferenceComparison cmp = ReferenceComparison.of(engine, rows, reference::logits, c.vocabSize());
            assertThat(reference.ambiguousSelection()).as("indexer near-tie: choose another seed").isFalse();
            assertThat(cmp.worst()).as("max |engine - reference| for %s", name).isLessThan(TOLERANCE);
            assertThat(cmp.spread()).isGreaterThan(0.5);
            if (adapter != null) {
                assertThat(ReferenceComparison.largestDifference(engine, Forwards.logits(model, rows, null, null)))
                        .as("the adapter moves the logits").isGreaterThan(100 * TOLERANCE);
            }
            return engine;
        } finally {
            model.base().close();
        }
    }
}
