package ai.mint.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.Forwards;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.reference.ReferenceCheckpoints;
import ai.mint.engine.reference.ReferenceComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Multi-head latent attention's two forms, and what its cache holds per token against plain multi-head attention. */
class MlaAttentionTest {

    @TempDir
    Path dir;

    @Test
    void absorbedAndExpandedFormsAgree() {
        for (boolean sparse : new boolean[] {false, true}) {
            ModelConfig c = ReferenceCheckpoints.deepseek(sparse, j -> { });
            BaseModel weights = HfModelLoader.load(ReferenceCheckpoints.write(dir.resolve("m" + sparse), c, 2),
                    Device.cpu()).base();
            try {
                long[][] rows = Forwards.tokens(2, 7, 8);
                float[] expanded = Forwards.logits(new DecoderModel(weights, MoeCompute.AUTO,
                        MlaAttention.Form.EXPANDED), rows, null, null);
                float[] absorbed = Forwards.logits(new DecoderModel(weights, MoeCompute.AUTO,
                        MlaAttention.Form.ABSORBED), rows, null, null);
                assertThat(ReferenceComparison.largestDifference(absorbed, expanded)).isLessThan(1e-4);
            } finally {
                weights.close();
            }
        }
    }

    /**
     * Latent attention has q_a/q_b/kv_a/kv_b/o: an adapter for Llama's k_proj/v_proj, or for q_proj on a base with a
     * query latent, is refused naming the targets the base has; written adapters name only those.
     */
    @Test
    void loraTargetsThatLatentAttentionLacksAreRefusedByName() throws Exception {
        ModelConfig c = TestModels.microDeepseek();
        assertThatThrownBy(() -> LoraWeights.random(c, EnumSet.of(Projection.K, Projection.O), 2, 4f, 1, true))
                .isInstanceOf(EngineException.class).hasMessageContaining("[k_proj]")
                .hasMessageContaining("q_a_proj, q_b_proj, kv_a_proj_with_mqa, kv_b_proj, o_proj");
        assertThatThrownBy(() -> LoraWeights.random(c, EnumSet.of(Projection.Q), 2, 4f, 1, true))
                .hasMessageContaining("[q_proj]");
        LoraWeights w = LoraWeights.random(c, EnumSet.of(Projection.Q_B, Projection.KV_B), 2, 4f, 1, true);
        PeftAdapterIo.write(dir.resolve("a"), w, c);
        java.nio.file.Files.writeString(dir.resolve("a").resolve(PeftAdapterIo.CONFIG), java.nio.file.Files
                .readString(dir.resolve("a").resolve(PeftAdapterIo.CONFIG)).replace("\"q_b_proj\"", "\"v_proj\""));
        assertThatThrownBy(() -> PeftAdapterIo.read(dir.resolve("a"), c)).isInstanceOf(EngineException.class)
                .hasMessageContaining("adapter_config.json").hasMessageContaining("[v_proj]");
    }

    /** Decoding one token against a long cache is cheaper absorbed; a prompt's prefill is cheaper expanded. */
    @Test
    void autoAbsorbsWhenDecodingAndExpandsForPrefill() {
        MlaAttention auto = new MlaAttention(ModelPreset.SMALL.config(Architecture.DEEPSEEK_V3),
                MlaAttention.Form.AUTO);
        assertThat(auto.absorbed(1, 512)).isTrue();
        assertThat(auto.absorbed(512, 512)).isFalse();
    }

    /** The cache really holds latent + rotary key (+ index key) per token and layer: measured, not computed. */
    @Test
    void latentCacheHoldsLatentAndRotaryKeyPerTokenNotPerHeadKeysAndValues() {
        for (boolean sparse : new boolean[] {false, true}) {
            ModelConfig c = sparse ? TestModels.microDeepseekSparse() : TestModels.microDeepseek();
            DecoderModel model = TestModels.create(dir.resolve("c" + sparse), c, 3);
            try (NDManager m = model.base().manager().newSubManager(); KvCache cache = new KvCache(m, c.numLayers())) {
                long[] tokens = {1, 2, 3, 4, 5};
                long[] pos = {0, 1, 2, 3, 4};
                model.forward(m.create(tokens, new Shape(1, 5)), m.create(pos, new Shape(1, 5)), null, null, cache);
                assertThat(cache.length()).isEqualTo(5);
                DeepseekSpec.Mla mla = c.deepseek().mla();
                long floats = mla.kvLoraRank() + mla.qkRopeHeadDim() + (sparse ? c.deepseek().indexer().headDim() : 0);
                assertThat(cache.bytesPerPosition()).isEqualTo(c.numLayers() * floats * Float.BYTES)
                        .isEqualTo(c.cacheBytesPerToken());
                long mha = (long) c.numLayers() * c.numHeads() * (mla.qkHeadDim() + mla.vHeadDim()) * Float.BYTES;
                assertThat(c.mhaCacheBytesPerToken()).isEqualTo(mha).isGreaterThan(2 * cache.bytesPerPosition());
            } finally {
                model.base().close();
            }
        }
    }

    /** DeepSeek-V3's published shape: 576 floats per token and layer instead of 128 heads x (192 + 128). */
    @Test
    void deepseekV3CachesSeventyTimesLessThanMultiHeadAttention() throws Exception {
        ModelConfig v3 = ModelConfig.read(Path.of(getClass().getResource("/deepseek-v3-config.json").toURI()));
        assertThat(v3.cacheBytesPerToken()).isEqualTo(61L * (512 + 64) * 4);
        assertThat(v3.mhaCacheBytesPerToken()).isEqualTo(61L * 128 * (192 + 128) * 4);
        assertThat((double) v3.mhaCacheBytesPerToken() / v3.cacheBytesPerToken()).isGreaterThan(70);
    }
}
