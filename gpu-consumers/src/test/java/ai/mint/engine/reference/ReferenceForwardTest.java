package ai.mint.engine.reference;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.Forwards;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.pretrain.PretrainPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's batched DJL forward against {@link NaiveHfDecoder}, a scalar double-precision transcription of the
 * Hugging Face modelling code reading the same files. Tolerance 1e-4 absolute on logits of magnitude ~1-10: float32
 * accumulation over hidden 32 stays near 1e-6; any misplaced transpose, rotation or routing choice is far above it.
 */
class ReferenceForwardTest {

    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void qwen2DenseWithQkvBiasMatchesReference() {
        assertEngineMatchesReference(ReferenceCheckpoints.config(false, j -> { }), null);
    }

    @Test
    void llamaDenseWithoutBiasAndTiedHeadMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.config(false, j -> {
            j.put("model_type", "llama");
            j.put("attention_bias", false);
            j.put("tie_word_embeddings", true);
            j.put("rms_norm_eps", 1e-2);
            j.put("rope_theta", 500.0);
        });
        assertThat(c.attentionBias()).isFalse();
        assertEngineMatchesReference(c, null);
    }

    @Test
    void llamaAttentionBiasIncludesOutputProjectionBias() {
        ModelConfig c = llama(j -> j.put("attention_bias", true));
        assertThat(c.outputBias()).isTrue();
        assertEngineMatchesReference(c, null);
    }

    @Test
    void linearRopeScalingMatchesReference() {
        ModelConfig c = llama(j -> j.putObject("rope_scaling").put("type", "linear").put("factor", 4.0));
        assertThat(c.ropeScaling().type()).isEqualTo("linear");
        assertEngineMatchesReference(c, null);
    }

    /** theta 100, head_dim 8: wavelengths 6.3, 20, 63, 199 against 8 and 64 hit all three llama3 regimes. */
    @Test
    void llama3RopeScalingMatchesReference() {
        ModelConfig c = llama(j -> {
            j.put("rope_theta", 100.0);
            j.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
                    .put("high_freq_factor", 8.0).put("original_max_position_embeddings", 64);
        });
        assertThat(c.ropeScaling().type()).isEqualTo("llama3");
        assertEngineMatchesReference(c, null);
    }

    /** YaRN on a Llama: frequencies ramp between the three regimes and cos/sin carry 0.1 ln(factor) + 1. */
    @Test
    void yarnRopeScalingMatchesReference() {
        ModelConfig c = llama(j -> j.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 8.0)
                .put("original_max_position_embeddings", 64));
        assertThat(c.ropeScaling().ropeAmplitude()).isGreaterThan(1.2);
        assertEngineMatchesReference(c, null);
    }

    @Test
    void qwen2MoeWithoutTopkRenormalisationMatchesReference() {
        assertEngineMatchesReference(ReferenceCheckpoints.config(true, j -> j.put("norm_topk_prob", false)), null);
    }

    @Test
    void qwen2MoeWithTopkRenormalisationMatchesReference() {
        assertEngineMatchesReference(ReferenceCheckpoints.config(true, j -> j.put("norm_topk_prob", true)), null);
    }

    @Test
    void mixtralMatchesReference() {
        assertEngineMatchesReference(ReferenceCheckpoints.mixtral(), null);
    }

    @Test
    void denseLoraAdapterMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.config(false, j -> { });
        assertEngineMatchesReference(c, LoraWeights.random(c, Projection.allOn(c), 4, 8f, 3, true));
    }

    @Test
    void moeLoraAdapterOnEveryExpertMatchesReference() {
        ModelConfig c = ReferenceCheckpoints.config(true, j -> j.put("norm_topk_prob", true));
        assertEngineMatchesReference(c, LoraWeights.random(c, Projection.allOn(c), 2, 4f, 4, true));
    }

    /** PEFT names Mixtral's expert projections w1/w3/w2; the reference looks them up under exactly those names. */
    @Test
    void mixtralLoraAdapterOnW1W2W3MatchesReference() {
        ModelConfig c = ReferenceCheckpoints.mixtral();
        assertEngineMatchesReference(c, LoraWeights.random(c, Projection.allOn(c), 2, 4f, 6, true));
    }

    static ModelConfig llama(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit) {
        return ReferenceCheckpoints.config(false, j -> {
            j.put("model_type", "llama");
            j.put("attention_bias", false);
            edit.accept(j);
        });
    }

    /**
     * The English base the repository carries ({@code models/brown-small}, F16, pretrained by {@code mint base
     * pretrain}) goes through the same loader as any checkpoint and matches the reference on real English tokens.
     */
    @Test
    void pretrainedBrownBaseMatchesReference() throws Exception {
        Path base = Path.of("..").resolve(PretrainPreset.BUNDLED_SMALL);
        long[][] rows = new long[2][];
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(base.resolve("tokenizer.json"),
                java.util.Map.of("addSpecialTokens", "false"))) {
            String[] text = {"The jury said that the election was conducted with care and honesty.",
                    "She looked at the old house across the river and smiled at her brother."};
            for (int r = 0; r < 2; r++) {
                rows[r] = java.util.Arrays.copyOf(tok.encode(text[r], false, false).getIds(), 12);
            }
        }
        DecoderModel model = HfModelLoader.load(base, Device.cpu());
        try {
            double[] worstAndSpread = compare(Forwards.logits(model, rows, null, null), new NaiveHfDecoder(base), rows,
                    model.config().vocabSize());
            assertThat(worstAndSpread[0]).as("max |engine - reference| on the Brown base").isLessThan(TOLERANCE);
            assertThat(worstAndSpread[1]).isGreaterThan(5.0); // a trained head, far from a random one's +-0.6
        } finally {
            model.base().close();
        }
    }

    /** The largest |engine - reference| and the largest |reference| over every logit of {@code rows}. */
    static double[] compare(float[] engine, NaiveHfDecoder reference, long[][] rows, int v) {
        double worst = 0;
        double spread = 0;
        for (int r = 0; r < rows.length; r++) {
            double[][] want = reference.logits(rows[r]);
            for (int t = 0; t < want.length; t++) {
                for (int k = 0; k < v; k++) {
                    worst = Math.max(worst, Math.abs(engine[(r * want.length + t) * v + k] - want[t][k]));
                    spread = Math.max(spread, Math.abs(want[t][k]));
                }
            }
        }
        return new double[] {worst, spread};
    }

    /** Runs both forwards on two sequences and compares every logit; returns the largest difference. */
    double assertEngineMatchesReference(ModelConfig c, LoraWeights adapter) {
        Path base = ReferenceCheckpoints.write(dir.resolve("base"), c, 11);
        NaiveHfDecoder reference = new NaiveHfDecoder(base);
        NaiveHfDecoder baseOnly = new NaiveHfDecoder(base);
        if (adapter != null) {
            PeftAdapterIo.write(dir.resolve("adapter"), adapter, c);
            reference.withPeftAdapter(dir.resolve("adapter"));
        }
        long[][] rows = Forwards.tokens(2, 7, 5);
        DecoderModel model = HfModelLoader.load(base, Device.cpu());
        try (LoraBank bank = adapter == null ? null : LoraBank.of(model.base().manager(), c,
                List.of(PeftAdapterIo.read(dir.resolve("adapter"), c)))) {
            float[] engine = Forwards.logits(model, rows, bank, adapter == null ? null : new long[] {1, 1});
            int v = c.vocabSize();
            double worst = 0;
            double spread = 0;
            double adapterEffect = 0;
            for (int r = 0; r < rows.length; r++) {
                double[][] want = reference.logits(rows[r]);
                double[][] plain = adapter == null ? want : baseOnly.logits(rows[r]);
                for (int t = 0; t < want.length; t++) {
                    for (int k = 0; k < v; k++) {
                        double e = engine[(r * want.length + t) * v + k];
                        worst = Math.max(worst, Math.abs(e - want[t][k]));
                        spread = Math.max(spread, Math.abs(want[t][k]));
                        adapterEffect = Math.max(adapterEffect, Math.abs(want[t][k] - plain[t][k]));
                    }
                }
            }
            assertThat(worst).as("max |engine - reference| for %s", c.modelType()).isLessThan(TOLERANCE);
            // the comparison means something only if logits are far from zero and an adapter really moves them
            assertThat(spread).isGreaterThan(0.5);
            if (adapter != null) {
                assertThat(adapterEffect).isGreaterThan(100 * TOLERANCE);
            }
            return worst;
        } finally {
            model.base().close();
        }
    }
}
