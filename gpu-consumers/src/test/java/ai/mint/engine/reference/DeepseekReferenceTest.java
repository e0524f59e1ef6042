package ai.mint.engine.reference;

import ai.djl.Device;
import ai.mint.engine.Forwards;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelConfig;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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

    private static Consumer<ObjectNode> yarn() {
        return j -> j.putObject("rope_scaling").put("type", "yarn").put("factor", 4.0).put("mscale", 1.0)
                .put("mscale_all_dim", 0.7).put("original_max_position_embeddings", 64);
    }

    /** Runs engine and reference on two rows of {@link #LENGTH} tokens; returns the engine's logits. */
    private float[] matchesReference(ModelConfig c, String name) {
        Path base = ReferenceCheckpoints.write(dir.resolve(name), c, 11);
        NaiveDeepseekDecoder reference = new NaiveDeepseekDecoder(base);
        long[][] rows = Forwards.tokens(2, LENGTH, 5);
        DecoderModel model = HfModelLoader.load(base, Device.cpu());
        try {
            float[] engine = Forwards.logits(model, rows, null, null);
            ReferenceComparison cmp = ReferenceComparison.of(engine, rows, reference::logits, c.vocabSize());
            assertThat(reference.ambiguousSelection()).as("indexer near-tie: choose another seed").isFalse();
            assertThat(cmp.worst()).as("max |engine - reference| for %s", name).isLessThan(TOLERANCE);
            assertThat(cmp.spread()).isGreaterThan(0.5);
            return engine;
        } finally {
            model.base().close();
        }
    }
}
