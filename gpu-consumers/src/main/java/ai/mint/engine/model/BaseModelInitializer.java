package ai.mint.engine.model;

import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsWriter;
import ai.mint.engine.tokenizer.BpeVocabulary;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes a randomly initialised base model (normal(0, 0.02) weights, unit norms, as transformers initialises) in
 * Hugging Face layout: {@code config.json}, {@code model.safetensors}, {@code tokenizer.json}, tensor names as in
 * transformers (Llama/Qwen2, Qwen2-MoE, Mixtral, DeepSeek-V3 and V3.2). The same seed gives the same bytes. No
 * weights can be downloaded here, and the loader reads these exactly as a real checkpoint.
 */
public final class BaseModelInitializer {

    private BaseModelInitializer() {
    }

    /** Writes a base model of {@code config} into {@code dir}, weights stored as {@code dtype}. */
    public static Path write(Path dir, ModelConfig config, long seed, DType dtype) {
        Map<String, HostTensor> tensors = tensors(config, seed);
        writeCheckpoint(dir, config, tensors, dtype);
        return dir;
    }

    /** Writes the given tensors with the config and the byte-level tokenizer (also used for merged checkpoints). */
    public static void writeCheckpoint(Path dir, ModelConfig config, Map<String, HostTensor> tensors, DType dtype) {
        writeCheckpoint(dir, config, tensors, dtype, BpeVocabulary.bytesOnly());
    }

    /** Writes the given tensors with the config and {@code vocabulary} as {@code tokenizer.json}. */
    public static void writeCheckpoint(Path dir, ModelConfig config, Map<String, HostTensor> tensors, DType dtype,
                                       BpeVocabulary vocabulary) {
        config.write(dir.resolve("config.json"));
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        tensors.forEach((name, t) -> writer.add(name, t.shape(), t.floats(), dtype));
        writer.write(dir.resolve(CheckpointFiles.SINGLE));
        vocabulary.write(dir);
    }

    /** The named weights of a fresh model, Hugging Face names and [out, in] layout. */
    public static Map<String, HostTensor> tensors(ModelConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, HostTensor> t = new LinkedHashMap<>();
        int h = c.hiddenSize();
        int qd = c.numHeads() * c.headDim();
        int kvd = c.numKvHeads() * c.headDim();
        normal(t, rnd, "model.embed_tokens.weight", c.vocabSize(), h);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            if (c.isDeepseek()) {
                deepseekLayer(t, rnd, c, i);
                continue;
            }
            ones(t, p + "input_layernorm.weight", h);
            ones(t, p + "post_attention_layernorm.weight", h);
            normal(t, rnd, p + "self_attn.q_proj.weight", qd, h);
            normal(t, rnd, p + "self_attn.k_proj.weight", kvd, h);
            normal(t, rnd, p + "self_attn.v_proj.weight", kvd, h);
            normal(t, rnd, p + "self_attn.o_proj.weight", h, qd);
            if (c.attentionBias()) {
                normal(t, rnd, p + "self_attn.q_proj.bias", qd);
                normal(t, rnd, p + "self_attn.k_proj.bias", kvd);
                normal(t, rnd, p + "self_attn.v_proj.bias", kvd);
            }
            if (c.outputBias()) {
                normal(t, rnd, p + "self_attn.o_proj.bias", h);
            }
            if (!c.isMoe()) {
                normal(t, rnd, p + "mlp.gate_proj.weight", c.intermediateSize(), h);
                normal(t, rnd, p + "mlp.up_proj.weight", c.intermediateSize(), h);
                normal(t, rnd, p + "mlp.down_proj.weight", h, c.intermediateSize());
                continue;
            }
            int ei = c.expertIntermediateSize();
            normal(t, rnd, p + (c.mixtralNames() ? "block_sparse_moe.gate.weight" : "mlp.gate.weight"),
                    c.numExperts(), h);
            for (int e = 0; e < c.numExperts(); e++) {
                normal(t, rnd, Projection.GATE.expertPath(c, i, e) + ".weight", ei, h);
                normal(t, rnd, Projection.UP.expertPath(c, i, e) + ".weight", ei, h);
                normal(t, rnd, Projection.DOWN.expertPath(c, i, e) + ".weight", h, ei);
            }
            if (!c.mixtralNames() && c.sharedExpertIntermediateSize() > 0) {
                int si = c.sharedExpertIntermediateSize();
                normal(t, rnd, p + "mlp.shared_expert.gate_proj.weight", si, h);
                normal(t, rnd, p + "mlp.shared_expert.up_proj.weight", si, h);
                normal(t, rnd, p + "mlp.shared_expert.down_proj.weight", h, si);
                normal(t, rnd, p + "mlp.shared_expert_gate.weight", 1, h);
            }
        }
        ones(t, "model.norm.weight", h);
        if (!c.tieWordEmbeddings()) {
            normal(t, rnd, "lm_head.weight", c.vocabSize(), h);
        }
        return t;
    }

    /** One DeepSeek-V3 layer in transformers' names: MLA (+ V3.2's indexer), then a dense MLP or the MoE. */
    private static void deepseekLayer(Map<String, HostTensor> t, SplittableRandom rnd, ModelConfig c, int i) {
        DeepseekSpec.Mla mla = c.deepseek().mla();
        int h = c.hiddenSize();
        String p = "model.layers." + i + ".";
        String a = p + "self_attn.";
        int qOut = c.numHeads() * mla.qkHeadDim();
        ones(t, p + "input_layernorm.weight", h);
        ones(t, p + "post_attention_layernorm.weight", h);
        if (mla.qLoraRank() > 0) {
            normal(t, rnd, a + "q_a_proj.weight", mla.qLoraRank(), h);
            ones(t, a + "q_a_layernorm.weight", mla.qLoraRank());
            normal(t, rnd, a + "q_b_proj.weight", qOut, mla.qLoraRank());
        } else {
            normal(t, rnd, a + "q_proj.weight", qOut, h);
        }
        normal(t, rnd, a + "kv_a_proj_with_mqa.weight", mla.kvLoraRank() + mla.qkRopeHeadDim(), h);
        ones(t, a + "kv_a_layernorm.weight", mla.kvLoraRank());
        normal(t, rnd, a + "kv_b_proj.weight", c.numHeads() * (mla.qkNopeHeadDim() + mla.vHeadDim()), mla.kvLoraRank());
        normal(t, rnd, a + "o_proj.weight", h, c.numHeads() * mla.vHeadDim());
        if (mla.indexer() != null) {
            DeepseekSpec.Indexer ix = mla.indexer();
            normal(t, rnd, a + "indexer.wq_b.weight", ix.heads() * ix.headDim(), mla.qLoraRank());
            normal(t, rnd, a + "indexer.wk.weight", ix.headDim(), h);
            ones(t, a + "indexer.k_norm.weight", ix.headDim());
            t.put(a + "indexer.k_norm.bias", HostTensor.ofFloats(a + "indexer.k_norm.bias",
                    new long[] {ix.headDim()}, new float[ix.headDim()]));
            normal(t, rnd, a + "indexer.weights_proj.weight", ix.heads(), h);
        }
        if (!c.isMoeLayer(i)) {
            normal(t, rnd, p + "mlp.gate_proj.weight", c.intermediateSize(), h);
            normal(t, rnd, p + "mlp.up_proj.weight", c.intermediateSize(), h);
            normal(t, rnd, p + "mlp.down_proj.weight", h, c.intermediateSize());
            return;
        }
        int ei = c.expertIntermediateSize();
        normal(t, rnd, p + "mlp.gate.weight", c.numExperts(), h);
        t.put(p + "mlp.gate.e_score_correction_bias", HostTensor.ofFloats(p + "mlp.gate.e_score_correction_bias",
                new long[] {c.numExperts()}, new float[c.numExperts()]));
        for (int e = 0; e < c.numExperts(); e++) {
            normal(t, rnd, Projection.GATE.expertPath(c, i, e) + ".weight", ei, h);
            normal(t, rnd, Projection.UP.expertPath(c, i, e) + ".weight", ei, h);
            normal(t, rnd, Projection.DOWN.expertPath(c, i, e) + ".weight", h, ei);
        }
        if (c.deepseek().sharedExperts() > 0) {
            int si = c.sharedExpertIntermediateSize();
            normal(t, rnd, p + "mlp.shared_experts.gate_proj.weight", si, h);
            normal(t, rnd, p + "mlp.shared_experts.up_proj.weight", si, h);
            normal(t, rnd, p + "mlp.shared_experts.down_proj.weight", h, si);
        }
    }

    private static void normal(Map<String, HostTensor> t, SplittableRandom rnd, String name, long... shape) {
        float[] data = new float[Math.toIntExact(HostTensor.elementCount(shape))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (gaussian(rnd) * 0.02);
        }
        t.put(name, HostTensor.ofFloats(name, shape, data));
    }

    private static void ones(Map<String, HostTensor> t, String name, int n) {
        float[] data = new float[n];
        java.util.Arrays.fill(data, 1f);
        t.put(name, HostTensor.ofFloats(name, new long[] {n}, data));
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
