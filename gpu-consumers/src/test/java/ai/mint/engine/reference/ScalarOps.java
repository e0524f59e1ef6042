package ai.mint.engine.reference;

import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;

import java.nio.file.Path;
import java.util.Map;

/**
 * Double-precision scalar building blocks of the reference decoders: matrix-vector products on Hugging Face [out, in]
 * weights, RMSNorm, LayerNorm, softmax, SiLU, and reading a safetensors file by name.
 */
final class ScalarOps {

    private ScalarOps() {
    }

    /** {@code m} [rows, cols] times {@code x} [cols]. */
    static double[] matVec(HostTensor m, double[] x) {
        int rows = (int) m.shape()[0];
        int cols = (int) m.shape()[1];
        if (cols != x.length) {
            throw new IllegalArgumentException(m.name() + " has " + cols + " columns, input has " + x.length);
        }
        float[] f = m.floats();
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += f[r * cols + c] * x[c];
            }
            y[r] = s;
        }
        return y;
    }

    static double[] row(HostTensor m, int r) {
        int cols = (int) m.shape()[1];
        double[] out = new double[cols];
        for (int c = 0; c < cols; c++) {
            out[c] = m.floats()[r * cols + c];
        }
        return out;
    }

    /** weight * x / sqrt(mean(x^2) + eps). */
    static double[] rmsNorm(double[] x, float[] weight, double eps) {
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        double inv = 1 / Math.sqrt(ms / x.length + eps);
        double[] out = new double[x.length];
        for (int d = 0; d < x.length; d++) {
            out[d] = weight[d] * x[d] * inv;
        }
        return out;
    }

    /** (x - mean) / sqrt(var + eps) * weight + bias, with the biased variance (torch.nn.LayerNorm). */
    static double[] layerNorm(double[] x, float[] weight, float[] bias, double eps) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        double[] out = new double[x.length];
        for (int d = 0; d < x.length; d++) {
            out[d] = (x[d] - mean) / Math.sqrt(var + eps) * weight[d] + bias[d];
        }
        return out;
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    static double silu(double v) {
        return v / (1 + Math.exp(-v));
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    static double dot(double[] a, int aFrom, double[] b, int bFrom, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[aFrom + i] * b[bFrom + i];
        }
        return s;
    }

    static void addInPlace(double[][] x, double[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int d = 0; d < x[i].length; d++) {
                x[i][d] += y[i][d];
            }
        }
    }

    static void readAll(Path file, Map<String, HostTensor> into) {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            for (String name : r.names()) {
                into.put(name, r.read(name));
            }
        }
    }
}
