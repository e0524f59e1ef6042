package ai.mint.engine.safetensors;

import java.util.Arrays;

/**
 * A tensor decoded into Java memory: floating dtypes widened to float32, integer dtypes to int64. Row-major, shape as
 * in the file. {@code sourceDtype} remembers what the file held (BF16 and F16 arrive here as floats).
 */
public record HostTensor(String name, DType sourceDtype, long[] shape, float[] floats, long[] longs) {

    public static HostTensor ofFloats(String name, long[] shape, float[] data) {
        check(name, shape, data.length);
        return new HostTensor(name, DType.F32, shape.clone(), data, null);
    }

    public static HostTensor ofLongs(String name, long[] shape, long[] data) {
        check(name, shape, data.length);
        return new HostTensor(name, DType.I64, shape.clone(), null, data);
    }

    public boolean isFloating() {
        return floats != null;
    }

    public long elementCount() {
        return elementCount(shape);
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void check(String name, long[] shape, int length) {
        if (elementCount(shape) != length) {
            throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape) + " needs "
                    + elementCount(shape) + " values, got " + length);
        }
    }
}
