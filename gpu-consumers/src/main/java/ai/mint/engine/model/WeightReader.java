package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.safetensors.HostTensor;

import java.util.Arrays;
import java.util.Map;

/**
 * Turns named host tensors of a checkpoint into device arrays in compute layout, checking each shape against what
 * config.json implies; a missing or mis-shaped tensor is named.
 */
final class WeightReader {

    private final ModelConfig c;
    private final Map<String, HostTensor> t;
    private final NDManager m;

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
            float[] w = get(proj.modulePath(c, layer, x) + ".weight", out, in).floats();
            System.arraycopy(BaseModel.transpose(w, out, in), 0, all, x * in * out, in * out);
        }
        return m.create(all, new Shape(e, in, out));
    }

    /** A Hugging Face linear weight [out, in] as a compute-layout array [in, out]. */
    NDArray linear(String name, int in, int out) {
        return linear(get(name, out, in).floats(), in, out);
    }

    /** Hugging Face [out, in] values (possibly edited) as a compute-layout array [in, out]. */
    NDArray linear(float[] hfWeight, int in, int out) {
        return m.create(BaseModel.transpose(hfWeight, out, in), new Shape(in, out));
    }

    NDArray plain(String name, int rows, int cols) {
        return m.create(get(name, rows, cols).floats(), new Shape(rows, cols));
    }

    NDArray vector(String name, int n) {
        return m.create(get(name, n).floats(), new Shape(n));
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
