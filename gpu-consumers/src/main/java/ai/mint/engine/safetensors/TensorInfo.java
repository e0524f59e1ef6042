package ai.mint.engine.safetensors;

/** One header entry of a safetensors file: dtype, shape and the byte range relative to the start of the data. */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public long elementCount() {
        return HostTensor.elementCount(shape);
    }

    public long byteCount() {
        return end - begin;
    }
}
