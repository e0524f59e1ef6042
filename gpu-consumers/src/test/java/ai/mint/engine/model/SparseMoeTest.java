package ai.mint.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.mint.engine.Forwards;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.reference.ReferenceCheckpoints;
import ai.mint.engine.reference.ReferenceComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sparse expert compute (only the chosen experts, tokens grouped by expert, each row's own adapter) against the
 * dense-masked reference (every expert on every token, unchosen ones weighted zero), on the same loaded weights:
 * logits within 1e-5, and the LoRA gradients a training step takes through them.
 */
class SparseMoeTest {

    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void qwen2MoeWithPerRowAdaptersOnEveryExpertAgrees() {
        ModelConfig c = ReferenceCheckpoints.config(true, j -> j.put("norm_topk_prob", true));
        List<LoraWeights> adapters = List.of(LoraWeights.random(c, Projection.allOn(c), 4, 8f, 1, true),
                LoraWeights.random(c, EnumSet.of(Projection.GATE, Projection.DOWN), 2, 4f, 2, true));
        assertSparseEqualsDense(c, adapters, new long[] {1, 0, 2});
    }

    @Test
    void mixtralAgrees() {
        ModelConfig c = ReferenceCheckpoints.mixtral();
        assertSparseEqualsDense(c, List.of(LoraWeights.random(c, EnumSet.of(Projection.UP), 2, 4f, 3, true)),
                new long[] {1, 1, 0});
    }

    /** Group-limited sigmoid routing with routed scaling and a shared expert, rows with different adapters. */
    @Test
    void deepseekWithPerRowAdaptersOnLatentAttentionAndEveryExpertAgrees() {
        ModelConfig c = ReferenceCheckpoints.deepseek(false, j -> { });
        assertSparseEqualsDense(c, List.of(), null);
        assertSparseEqualsDense(c, List.of(LoraWeights.random(c, Projection.allOn(c), 4, 8f, 1, true),
                LoraWeights.random(c, EnumSet.of(Projection.KV_B, Projection.UP), 2, 4f, 2, true)), new long[] {2, 0, 1});
    }

    @Test
    void autoIsSparseForFewChosenExpertsThatAreBigEnough() {
        assertThat(MoeCompute.AUTO.resolve(TestModels.microMoe())).isEqualTo(MoeCompute.DENSE_MASKED);
        assertThat(MoeCompute.AUTO.resolve(ModelPreset.TINY.config(Architecture.DEEPSEEK_V3)))
                .isEqualTo(MoeCompute.DENSE_MASKED);
        assertThat(MoeCompute.AUTO.resolve(ModelPreset.SMALL.config(Architecture.QWEN2_MOE)))
                .isEqualTo(MoeCompute.SPARSE);
        assertThat(MoeCompute.AUTO.resolve(ModelPreset.SMALL.config(Architecture.DEEPSEEK_V3)))
                .isEqualTo(MoeCompute.SPARSE);
        assertThat(MoeCompute.AUTO.resolve(ModelPreset.SMALL.config(Architecture.DEEPSEEK_V32)))
                .isEqualTo(MoeCompute.SPARSE);
    }

    /** One backward through each: every LoRA factor's gradient must agree, so training may run sparse. */
    @Test
    void loraGradientsThroughSparseExpertsEqualDenseMasked() {
        assertGradientsAgree(ReferenceCheckpoints.config(true, j -> j.put("norm_topk_prob", true)));
    }

    /** The same for DeepSeek-V3: routed experts, shared experts and latent attention all carry gradients. */
    @Test
    void deepseekLoraGradientsThroughSparseExpertsEqualDenseMasked() {
        assertGradientsAgree(ReferenceCheckpoints.deepseek(false, j -> { }));
    }

    private void assertGradientsAgree(ModelConfig c) {
        Path base = ReferenceCheckpoints.write(dir.resolve("grad-" + c.modelType()), c, 9);
        List<LoraWeights> adapters = List.of(LoraWeights.random(c, Projection.allOn(c), 2, 4f, 5, true),
                LoraWeights.random(c, Projection.allOn(c), 2, 4f, 6, true));
        BaseModel weights = HfModelLoader.load(base, Device.cpu()).base();
        try {
            Map<String, float[]> sparse = gradients(new DecoderModel(weights, MoeCompute.SPARSE), adapters);
            Map<String, float[]> dense = gradients(new DecoderModel(weights, MoeCompute.DENSE_MASKED), adapters);
            assertThat(sparse.keySet()).isEqualTo(dense.keySet());
            double largest = 0;
            for (String name : dense.keySet()) {
                float[] s = sparse.get(name);
                float[] d = dense.get(name);
                for (int i = 0; i < d.length; i++) {
                    largest = Math.max(largest, Math.abs(d[i]));
                    assertThat((double) Math.abs(s[i] - d[i])).as("%s[%d]", name, i)
                            .isLessThan(1e-4 * Math.max(1, Math.abs(d[i])));
                }
            }
            assertThat(largest).as("gradients reach the expert factors").isGreaterThan(1e-3);
        } finally {
            weights.close();
        }
    }

    private Map<String, float[]> gradients(DecoderModel model, List<LoraWeights> adapters) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = model.base().manager().newSubManager()) {
            List<DeviceAdapter> device = new java.util.ArrayList<>();
            for (int i = 0; i < adapters.size(); i++) {
                DeviceAdapter a = DeviceAdapter.upload("a" + i, adapters.get(i), model.config(), m);
                a.setTrainable(true);
                device.add(a);
            }
            long[][] rows = Forwards.tokens(3, 6, 4);
            long[] flat = new long[18];
            long[] pos = new long[18];
            for (int i = 0; i < 18; i++) {
                flat[i] = rows[i / 6][i % 6];
                pos[i] = i % 6;
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                 LoraBank bank = LoraBank.stack(m, model.config(), device)) { // stacked under the collector
                NDArray logits = model.forward(m.create(flat, new Shape(3, 6)), m.create(pos, new Shape(3, 6)), null,
                        bank.bind(m.create(new long[] {1, 2, 1})), null);
                NDArray targets = m.create(flat, new Shape(3, 6));
                collector.backward(DecoderModel.tokenLogProbs(logits, targets).mean().neg());
            }
            for (DeviceAdapter a : device) {
                a.parameters().forEach((name, p) -> {
                    if (name.contains("experts") || name.contains("shared") || name.contains("kv_")) {
                        try (NDArray g = p.getGradient()) {
                            out.put(a.id() + "." + name, g.toFloatArray());
                        }
                    }
                });
                a.setTrainable(false);
            }
        }
        return out;
    }

    /** Logits of two rows-sets through both computes of the same weights; adapters must visibly move them. */
    private void assertSparseEqualsDense(ModelConfig c, List<LoraWeights> adapters, long[] slots) {
        Path base = ReferenceCheckpoints.write(dir.resolve(c.modelType()), c, 13);
        BaseModel weights = HfModelLoader.load(base, Device.cpu()).base();
        try (LoraBank bank = adapters.isEmpty() ? null : LoraBank.of(weights.manager(), c, adapters)) {
            DecoderModel sparse = new DecoderModel(weights, MoeCompute.SPARSE);
            DecoderModel dense = new DecoderModel(weights, MoeCompute.DENSE_MASKED);
            long[][] rows = Forwards.tokens(3, 9, 6);
            float[] s = Forwards.logits(sparse, rows, bank, slots);
            float[] d = Forwards.logits(dense, rows, bank, slots);
            assertThat(ReferenceComparison.largestDifference(s, d)).as("max |sparse - dense-masked| for %s",
                    c.modelType()).isLessThan(TOLERANCE);
            if (bank != null) {
                float[] plain = Forwards.logits(sparse, rows, null, null);
                assertThat(ReferenceComparison.largestDifference(s, plain)).as("adapters change the sparse logits")
                        .isGreaterThan(100 * TOLERANCE);
            }
        } finally {
            weights.close();
        }
    }
}
