package ai.mint.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
 * not use (e.g. DeepSeek's multi-token-prediction layer) are ignored. Each resident array remembers the checkpoint
 * tensor it came from ({@link #checkpointTensors}), so the model can be written back as a checkpoint and its weights
 * overwritten in place by another checkpoint of the same architecture ({@link #overwriteWith}).
 */
public final class BaseModel implements AutoCloseable {

    /** How a checkpoint tensor sits in its resident array. */
    public enum Layout {
        /** The array is the tensor as stored (embeddings, norms, biases). */
        AS_STORED,
        /** The array is the transpose: Hugging Face's linear weight [out, in] held as [in, out]. */
        TRANSPOSED,
        /** The array is a stack of experts [E, in, out]; the tensor is expert {@code expert}'s [out, in]. */
        EXPERT_SLICE
    }

    /**
     * One tensor of the checkpoint this model was built from: its Hugging Face name and shape, and the resident
     * array that holds it in compute layout.
     */
    public record CheckpointTensor(String name, long[] shape, NDArray array, Layout layout, int expert) {
    }

    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray embed;       // [V, H]
    private final List<LayerWeights> layers;
    private final NDArray finalNorm;   // [H]
    private final NDArray lmHead;      // [H, V]
    private final long parameterCount;
    private final Map<String, CheckpointTensor> checkpoint; // Hugging Face name -> where it lives, in build order
    private final List<NDArray> resident;                   // every array this model owns, in build order

    private BaseModel(ModelConfig config, NDManager manager, NDArray embed, List<LayerWeights> layers,
                      NDArray finalNorm, NDArray lmHead, long parameterCount, Map<String, CheckpointTensor> checkpoint,
                      List<NDArray> resident) {
        this.config = config;
        this.manager = manager;
        this.embed = embed;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.parameterCount = parameterCount;
        this.checkpoint = Collections.unmodifiableMap(checkpoint);
        this.resident = List.copyOf(resident);
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
                    ? r.own(embed.transpose().duplicate()) // [H, V], not a checkpoint tensor of its own
                    : r.linear("lm_head.weight", c.hiddenSize(), c.vocabSize());
            long params = t.values().stream().mapToLong(HostTensor::elementCount).sum();
            return new BaseModel(c, manager, embed, Collections.unmodifiableList(layers), norm, head, params,
                    r.checkpoint(), r.resident());
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
        checkpoint.forEach((name, tensor) -> named.put(name, tensor.array()));
        return named;
    }

    /**
     * The current weights of a dense base as Hugging Face host tensors ([out, in] linear weights), e.g. to write a
     * pretrained base as a checkpoint that {@link HfModelLoader} reads back into the same arrays.
     */
    public Map<String, HostTensor> toHostTensors() {
        namedWeights(); // refuses MoE bases
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (CheckpointTensor tensor : checkpoint.values()) {
            float[] data = tensor.array().toFloatArray();
            if (tensor.layout() == Layout.TRANSPOSED) { // compute layout [in, out] back to Hugging Face's [out, in]
                data = transpose(data, (int) tensor.shape()[1], (int) tensor.shape()[0]);
            }
            out.put(tensor.name(), HostTensor.ofFloats(tensor.name(), tensor.shape(), data));
        }
        return out;
    }

    /** Parameters stored in the checkpoint (a tied head counts once). */
    public long parameterCount() {
        return parameterCount;
    }

    /** The checkpoint tensors this model holds, by Hugging Face name, in the order they were loaded. */
    public Map<String, CheckpointTensor> checkpointTensors() {
        return checkpoint;
    }

    /** The checkpoint tensor {@code name}; fails naming it when this model has none of that name. */
    public CheckpointTensor checkpointTensor(String name) {
        CheckpointTensor tensor = checkpoint.get(name);
        if (tensor == null) {
            throw new EngineException("this " + config.modelType() + " base holds no tensor '" + name + "'");
        }
        return tensor;
    }

    /**
     * Copies every weight of {@code other} into this model's resident arrays, in place and device to device, so
     * that everything holding this model (adapters in its sub-managers, generators, caches of shapes) keeps working
     * on the new weights. {@code other} must have the same architecture; if it does not, nothing changes. The
     * caller makes sure that no forward pass runs meanwhile.
     */
    public void overwriteWith(BaseModel other) {
        List<String> differences = architectureDifferences(config, other.config);
        if (!differences.isEmpty()) {
            throw new EngineException("cannot swap in base weights of another architecture: " + differences
                    + " (this engine's value first)");
        }
        if (resident.size() != other.resident.size() || !checkpoint.keySet().equals(other.checkpoint.keySet())) {
            throw new EngineException("cannot swap in base weights with other tensors: this engine holds "
                    + checkpoint.size() + " checkpoint tensors, the new weights " + other.checkpoint.size());
        }
        for (int i = 0; i < resident.size(); i++) {
            if (!resident.get(i).getShape().equals(other.resident.get(i).getShape())) {
                throw new EngineException("cannot swap in base weights: array " + i + " has shape "
                        + other.resident.get(i).getShape() + ", this engine's has " + resident.get(i).getShape());
            }
        }
        NDIndex all = new NDIndex(":"); // the whole array (an empty index is refused by index_put_)
        for (int i = 0; i < resident.size(); i++) {
            resident.get(i).set(all, other.resident.get(i));
        }
    }

    /**
     * The config values in which {@code a} and {@code b} differ, as "name: a vs b", ignoring where they were read
     * from. Reads every record component, so a setting added to {@link ModelConfig} later is compared too.
     */
    static List<String> architectureDifferences(ModelConfig a, ModelConfig b) {
        List<String> out = new ArrayList<>();
        for (java.lang.reflect.RecordComponent rc : ModelConfig.class.getRecordComponents()) {
            if (rc.getName().equals("nameOrPath")) {
                continue;
            }
            try {
                Object x = rc.getAccessor().invoke(a);
                Object y = rc.getAccessor().invoke(b);
                if (!java.util.Objects.equals(x, y)) {
                    out.add(rc.getName() + ": " + x + " vs " + y);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read ModelConfig." + rc.getName(), e);
            }
        }
        return out;
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
        transposeInto(a, 0, rows, cols, out, 0);
        return out;
    }

    /** Row-major [rows, cols] at {@code src[srcOff..]} to [cols, rows] at {@code dst[dstOff..]}. */
    public static void transposeInto(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) {
            int row = srcOff + r * cols;
            for (int col = 0; col < cols; col++) {
                dst[dstOff + col * rows + r] = src[row + col];
            }
        }
    }
}
