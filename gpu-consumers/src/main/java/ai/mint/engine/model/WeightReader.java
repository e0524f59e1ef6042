package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.safetensors.HostTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns named host tensors of a checkpoint into device arrays in compute layout, checking each shape against what
 * config.json implies; a missing or mis-shaped tensor is named. It records where each checkpoint tensor went (its
 * resident array and layout) and every array it made, for {@link BaseModel#checkpointTensors} and
 * {@link BaseModel#overwriteWith}.
 */
final class WeightReader {

    private final ModelConfig c;
    private final Map<String, HostTensor> t;
    private final NDManager m;
    private final Map<String, BaseModel.CheckpointTensor> checkpoint = new LinkedHashMap<>();
    private final List<NDArray> resident = new ArrayList<>();

    WeightReader(ModelConfig c, Map<String, HostTensor> t, NDManager m) {
        this.c = c;
        this.t = t;
        this.m = m;
    }

    ModelConfig config() {
        return c;
    }

    NDManager manager() {
        return m;
    }

    boolean has(String name) {
        return t.containsKey(name);
    }

    /** All experts' weights for one projection, transposed and stacked: [E, in, out]. */
    NDArray expertStack(int layer, Projection proj, int in, int out) {
        int e = c.numExperts();
        float[] all = new float[e * in * out];
        for (int x = 0; x < e; x++) {
            float[] w = get(proj.expertPath(c, layer, x) + ".weight", out, in).floats();
            BaseModel.transposeInto(w, 0, out, in, all, x * in * out);
        }
        NDArray stack = own(m.create(all, new Shape(e, in, out)));
        for (int x = 0; x < e; x++) {
            String name = proj.expertPath(c, layer, x) + ".weight";
            checkpoint.put(name, new BaseModel.CheckpointTensor(name, new long[] {out, in}, stack,
                    BaseModel.Layout.EXPERT_SLICE, x));
        }
        return stack;
    }

    /** A Hugging Face linear weight [out, in] as a compute-layout array [in, out]. */
    NDArray linear(String name, int in, int out) {
        return record(name, new long[] {out, in}, BaseModel.Layout.TRANSPOSED,
                m.create(BaseModel.transpose(get(name, out, in).floats(), out, in), new Shape(in, out)));
    }

    /**
     * Hugging Face [out, in] values (possibly edited, e.g. DeepSeek's re-ordered rotary rows) as a compute-layout
     * array [in, out]; owned by the model but not a checkpoint tensor of its own (it is not the stored tensor).
     */
    NDArray linear(float[] hfWeight, int in, int out) {
        return own(m.create(BaseModel.transpose(hfWeight, out, in), new Shape(in, out)));
    }

    NDArray plain(String name, int rows, int cols) {
        return record(name, new long[] {rows, cols}, BaseModel.Layout.AS_STORED,
                m.create(get(name, rows, cols).floats(), new Shape(rows, cols)));
    }

    NDArray vector(String name, int n) {
        return record(name, new long[] {n}, BaseModel.Layout.AS_STORED, m.create(get(name, n).floats(), new Shape(n)));
    }

    /** Counts {@code array} among the model's own arrays (derived ones too: a tied head, absorbed MLA factors). */
    NDArray own(NDArray array) {
        resident.add(array);
        return array;
    }

    private NDArray record(String name, long[] shape, BaseModel.Layout layout, NDArray array) {
        checkpoint.put(name, new BaseModel.CheckpointTensor(name, shape, array, layout, -1));
        return own(array);
    }

    Map<String, BaseModel.CheckpointTensor> checkpoint() {
        return checkpoint;
    }

    List<NDArray> resident() {
        return resident;
    }

    HostTensor get(String name, long... shape) {
        HostTensor tensor = t.get(name);
        if (tensor == null) {
            throw new EngineException("checkpoint lacks tensor '" + name + "' required by " + c.modelType());
        }
        if (!Arrays.equals(tensor.shape(), shape) || !tensor.isFloating()) {
            throw new EngineException("tensor '" + name + "' has shape " + Arrays.toString(tensor.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        return tensor;
    }
}
