package ai.mint.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.mint.engine.EngineException;
import ai.mint.engine.safetensors.HostTensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resident base model: every weight on the device, in one {@link NDManager} that lives as long as the model.
 * Built from Hugging Face tensor names (Llama/Qwen2, Qwen2-MoE, Mixtral, DeepSeek-V3); weights are transposed to
 * compute layout while still in Java memory so the forward pass multiplies without copies. Tensors the config does
 * not use (e.g. DeepSeek's multi-token-prediction layer) are ignored.
 */
public final class BaseModel implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray embed;       // [V, H]
    private final List<LayerWeights> layers;
    private final NDArray finalNorm;   // [H]
    private final NDArray lmHead;      // [H, V]
    private final long parameterCount;

    private BaseModel(ModelConfig config, NDManager manager, NDArray embed, List<LayerWeights> layers,
                      NDArray finalNorm, NDArray lmHead, long parameterCount) {
        this.config = config;
        this.manager = manager;
        this.embed = embed;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.parameterCount = parameterCount;
    }

    /** Copies host tensors onto {@code device} under a new base manager. Missing or mis-shaped tensors are named. */
    public static BaseModel fromHost(ModelConfig c, Map<String, HostTensor> t, Device device) {
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            requireBiases(c, t);
            WeightReader r = new WeightReader(c, t, manager);
            NDArray embed = r.plain("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
            List<LayerWeights> layers = new ArrayList<>();
            Builder b = c.isDeepseek() ? null : new Builder(r);
            DeepseekLayers d = c.isDeepseek() ? new DeepseekLayers(r) : null;
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(d != null ? d.layer(i) : b.layer(i));
            }
            NDArray norm = r.vector("model.norm.weight", c.hiddenSize());
            NDArray head = c.tieWordEmbeddings() && !t.containsKey("lm_head.weight")
                    ? embed.transpose().duplicate()
                    : r.linear("lm_head.weight", c.hiddenSize(), c.vocabSize());
            long params = t.values().stream().mapToLong(HostTensor::elementCount).sum();
            return new BaseModel(c, manager, embed, Collections.unmodifiableList(layers), norm, head, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Every bias tensor the config implies must be present; all missing ones are named at once. */
    private static void requireBiases(ModelConfig c, Map<String, HostTensor> t) {
        if (!c.attentionBias()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            for (String proj : c.outputBias() ? List.of("q", "k", "v", "o") : List.of("q", "k", "v")) {
                String name = "model.layers." + i + ".self_attn." + proj + "_proj.bias";
                if (!t.containsKey(name)) {
                    missing.add(name);
                }
            }
        }
        if (!missing.isEmpty()) {
            String why = c.modelType().startsWith("qwen2") ? c.modelType() + " has q/k/v bias"
                    : "attention_bias=true implies q/k/v/o bias";
            throw new EngineException("checkpoint lacks bias tensors (" + why + "): " + missing);
        }
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public NDArray embed() {
        return embed;
    }

    public List<LayerWeights> layers() {
        return layers;
    }

    public NDArray finalNorm() {
        return finalNorm;
    }

    public NDArray lmHead() {
        return lmHead;
    }

    /**
     * Every weight of a dense base by its Hugging Face tensor name, in compute layout (linear weights [in, out], the
     * embedding [V, H], norms and biases as vectors): the arrays full-parameter training updates in place and
     * {@link #toHostTensors()} writes back. A tied head is left out (it is a copy of the embedding here). MoE bases
     * are refused: their experts are stacked per layer rather than held per tensor name.
     */
    public Map<String, NDArray> namedWeights() {
        if (config.isMoe()) {
            throw new EngineException("named weights (full-parameter training, export) are for dense bases; "
                    + config.modelType() + " stacks its experts");
        }
        Map<String, NDArray> named = new LinkedHashMap<>();
        named.put("model.embed_tokens.weight", embed);
        for (int i = 0; i < layers.size(); i++) {
            LayerWeights w = layers.get(i);
            String p = "model.layers." + i + ".";
            named.put(p + "input_layernorm.weight", w.inputNorm());
            named.put(p + "post_attention_layernorm.weight", w.postNorm());
            named.put(p + "self_attn.q_proj.weight", w.q());
            named.put(p + "self_attn.k_proj.weight", w.k());
            named.put(p + "self_attn.v_proj.weight", w.v());
            named.put(p + "self_attn.o_proj.weight", w.o());
            putIfPresent(named, p + "self_attn.q_proj.bias", w.qBias());
            putIfPresent(named, p + "self_attn.k_proj.bias", w.kBias());
            putIfPresent(named, p + "self_attn.v_proj.bias", w.vBias());
            putIfPresent(named, p + "self_attn.o_proj.bias", w.oBias());
            named.put(p + "mlp.gate_proj.weight", w.gate());
            named.put(p + "mlp.up_proj.weight", w.up());
            named.put(p + "mlp.down_proj.weight", w.down());
        }
        named.put("model.norm.weight", finalNorm);
        if (!config.tieWordEmbeddings()) {
            named.put("lm_head.weight", lmHead);
        }
        return named;
    }

    private static void putIfPresent(Map<String, NDArray> named, String name, NDArray a) {
        if (a != null) {
            named.put(name, a);
        }
    }

    /**
     * The current weights of a dense base as Hugging Face host tensors ([out, in] linear weights), e.g. to write a
     * pretrained base as a checkpoint that {@link HfModelLoader} reads back into the same arrays.
     */
    public Map<String, HostTensor> toHostTensors() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        namedWeights().forEach((name, a) -> {
            float[] data = a.toFloatArray();
            long[] shape = a.getShape().getShape();
            if (shape.length == 2 && !name.equals("model.embed_tokens.weight")) {
                // compute layout [in, out] back to Hugging Face's [out, in]
                data = transpose(data, (int) shape[0], (int) shape[1]);
                shape = new long[] {shape[1], shape[0]};
            }
            out.put(name, HostTensor.ofFloats(name, shape, data));
        });
        return out;
    }

    /** Parameters stored in the checkpoint (a tied head counts once). */
    public long parameterCount() {
        return parameterCount;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Builds the Llama/Qwen2/Qwen2-MoE/Mixtral layers. */
    private static final class Builder {
        private final ModelConfig c;
        private final WeightReader r;

        Builder(WeightReader r) {
            this.c = r.config();
            this.r = r;
        }

        LayerWeights layer(int i) {
            int h = c.hiddenSize();
            int qd = c.numHeads() * c.headDim();
            int kvd = c.numKvHeads() * c.headDim();
            String p = "model.layers." + i + ".";
            String attn = p + "self_attn.";
            boolean bias = c.attentionBias();
            NDArray[] dense = {null, null, null};
            NDArray router = null;
            NDArray[] experts = {null, null, null};
            NDArray[] shared = {null, null, null};
            NDArray sharedGate = null;
            if (!c.isMoe()) {
                dense[0] = r.linear(p + "mlp.gate_proj.weight", h, c.intermediateSize());
                dense[1] = r.linear(p + "mlp.up_proj.weight", h, c.intermediateSize());
                dense[2] = r.linear(p + "mlp.down_proj.weight", c.intermediateSize(), h);
            } else {
                int ei = c.expertIntermediateSize();
                router = r.linear(p + (c.mixtralNames() ? "block_sparse_moe.gate.weight" : "mlp.gate.weight"),
                        h, c.numExperts());
                experts[0] = r.expertStack(i, Projection.GATE, h, ei);
                experts[1] = r.expertStack(i, Projection.UP, h, ei);
                experts[2] = r.expertStack(i, Projection.DOWN, ei, h);
                if (!c.mixtralNames() && r.has(p + "mlp.shared_expert.gate_proj.weight")) {
                    int si = c.sharedExpertIntermediateSize();
                    shared[0] = r.linear(p + "mlp.shared_expert.gate_proj.weight", h, si);
                    shared[1] = r.linear(p + "mlp.shared_expert.up_proj.weight", h, si);
                    shared[2] = r.linear(p + "mlp.shared_expert.down_proj.weight", si, h);
                    sharedGate = r.linear(p + "mlp.shared_expert_gate.weight", h, 1);
                }
            }
            return new LayerWeights(
                    r.vector(p + "input_layernorm.weight", h), r.vector(p + "post_attention_layernorm.weight", h),
                    r.linear(attn + "q_proj.weight", h, qd), r.linear(attn + "k_proj.weight", h, kvd),
                    r.linear(attn + "v_proj.weight", h, kvd), r.linear(attn + "o_proj.weight", qd, h),
                    bias ? r.vector(attn + "q_proj.bias", qd) : null,
                    bias ? r.vector(attn + "k_proj.bias", kvd) : null,
                    bias ? r.vector(attn + "v_proj.bias", kvd) : null,
                    dense[0], dense[1], dense[2], router, experts[0], experts[1], experts[2],
                    shared[0], shared[1], shared[2], sharedGate,
                    c.outputBias() ? r.vector(attn + "o_proj.bias", h) : null, null, null);
        }
    }

    /** Row-major [rows, cols] to [cols, rows]. */
    public static float[] transpose(float[] a, int rows, int cols) {
        float[] out = new float[a.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int col = 0; col < cols; col++) {
                out[col * rows + r] = a[base + col];
            }
        }
        return out;
    }
}
