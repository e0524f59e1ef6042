package ai.mint.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArray;
import ai.mint.engine.EngineException;
import ai.mint.engine.Forwards;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraWeights;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TP=2 (two ranks, each a thread holding only its shard, joined by an explicit all-reduce) against the engine's own
 * forward on the whole base (TP=1), within 1e-5 on the logits, for a dense Qwen2 (grouped-query attention with q/k/v
 * bias), a Qwen2-MoE (routed experts, gated shared expert) and a DeepSeek-V3 (latent attention, a dense first layer,
 * routed and shared experts), each in a batch mixing the base and two LoRA adapters on every projection.
 */
class TensorParallelTest {

    private static final long[][] ROWS = Forwards.tokens(3, 6, 11);
    private static final long[] SLOTS = {0, 1, 2};

    @Test
    void denseAttentionAndMlpSplitOverTwoRanksEqualsOneRank() {
        assertTwoRanksEqualOne(TestModels.microDense());
    }

    @Test
    void moeExpertsAndSharedExpertSplitOverTwoRanksEqualsOneRank() {
        assertTwoRanksEqualOne(TestModels.microMoe());
    }

    @Test
    void latentAttentionAndDeepseekExpertsSplitOverTwoRanksEqualsOneRank() {
        assertTwoRanksEqualOne(TestModels.microDeepseek());
    }

    /** The other forms: absorbed latent attention (no adapter on kv_b) and dense-masked experts. */
    @Test
    void absorbedLatentAttentionAndDenseMaskedExpertsSplitOverTwoRanksEqualsOneRank() {
        ModelConfig c = TestModels.microDeepseek();
        java.util.Set<Projection> targets = java.util.EnumSet.copyOf(Projection.allOn(c));
        targets.remove(Projection.KV_B);
        assertTwoRanksEqualOne(c, targets, MoeCompute.DENSE_MASKED, MlaAttention.Form.ABSORBED);
    }

    @Test
    void shardsHoldTheirHalfAndUnevenHeadsAreRefused() {
        ModelConfig c = TestModels.microDeepseek();
        ModelConfig half = TpShard.config(c, 2);
        assertThat(half.numHeads()).isEqualTo(2);
        assertThat(half.moeIntermediateSize()).isEqualTo(8);
        assertThat(Projection.Q_B.outDim(half, ModuleSite.LAYER) * 2).isEqualTo(Projection.Q_B.outDim(c,
                ModuleSite.LAYER));
        assertThatThrownBy(() -> TpShard.config(c, 3)).isInstanceOf(EngineException.class)
                .hasMessageContaining("num_attention_heads (4)");
        assertThatThrownBy(() -> TpShard.config(TestModels.microDeepseekSparse(), 2))
                .hasMessageContaining("lightning indexer");
    }

    private static void assertTwoRanksEqualOne(ModelConfig c) {
        assertTwoRanksEqualOne(c, Projection.allOn(c), MoeCompute.AUTO, MlaAttention.Form.AUTO);
    }

    private static void assertTwoRanksEqualOne(ModelConfig c, java.util.Set<Projection> targets, MoeCompute moe,
                                               MlaAttention.Form form) {
        try (BaseModel base = BaseModel.fromHost(c, BaseModelInitializer.tensors(c, 3), Device.cpu())) {
            DecoderModel model = new DecoderModel(base, moe, form);
            List<LoraWeights> adapters = List.of(
                    LoraWeights.random(c, targets, 4, 8f, 1, true),
                    LoraWeights.random(c, targets, 2, 4f, 2, true));
            float[] one;
            try (LoraBank bank = LoraBank.of(base.manager(), c, adapters)) {
                one = Forwards.logits(model, ROWS, bank, SLOTS);
            }
            float[] baseOnly = Forwards.logits(model, ROWS, null, null);
            try (TensorParallelModel tp = TensorParallelModel.split(base, 2, moe, form)) {
                float[] two = logits(tp, base, adapters);
                System.out.println("TP=2 vs TP=1 max diff on " + c.modelType() + ": " + maxDiff(two, one));
                assertThat(maxDiff(two, one)).as("TP=2 vs TP=1 on " + c.modelType()).isLessThanOrEqualTo(1e-5);
                // the adapters matter: without them both would agree with the base alone
                int perRow = one.length / ROWS.length;
                assertThat(maxDiff(slice(one, perRow, 1), slice(baseOnly, perRow, 1))).isGreaterThan(1e-3);
                assertThat(maxDiff(slice(two, perRow, 0), slice(baseOnly, perRow, 0))).isLessThanOrEqualTo(1e-5);
            }
            try (TensorParallelModel tp = TensorParallelModel.split(base, 1, moe, form)) {
                assertThat(maxDiff(logits(tp, base, adapters), one)).isLessThanOrEqualTo(1e-6);
            }
        }
    }

    private static float[] logits(TensorParallelModel tp, BaseModel base, List<LoraWeights> adapters) {
        try (NDManager m = base.manager().newSubManager()) {
            NDArray[] batch = Forwards.batch(m, ROWS);
            return tp.forward(batch[0], batch[1], adapters, SLOTS).toFloatArray();
        }
    }

    private static float[] slice(float[] x, int per, int row) {
        return java.util.Arrays.copyOfRange(x, row * per, (row + 1) * per);
    }

    private static double maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
