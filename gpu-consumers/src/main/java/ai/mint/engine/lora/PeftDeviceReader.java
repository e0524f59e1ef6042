package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.safetensors.SafetensorsReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a PEFT adapter directory straight onto the device, without the Java-memory tier: what {@link PeftAdapterIo}
 * reads, checked the same way, ending in the same {@link DeviceAdapter}. Routed-expert factors are where the two
 * expert layouts differ: the packed layout is one contiguous read and one upload per layer, projection and factor
 * ([E, r, in] / [E, out, r] as stored), PEFT's per-expert layout one read and one upload per expert, stacked on the
 * device. Both then do the same device work on the stack (one transpose into compute layout [E, in, r] /
 * [E, r, out]); float32 tensors upload as their file bytes, other float types are widened on the host first.
 */
public final class PeftDeviceReader {

    private PeftDeviceReader() {
    }

    /** Reads adapter {@code id} from {@code dir} for base {@code c} into a new sub-manager of {@code parent}. */
    public static DeviceAdapter read(String id, Path dir, ModelConfig c, NDManager parent) {
        PeftAdapterIo.Header h = PeftAdapterIo.header(dir, c);
        NDManager m = parent.newSubManager();
        // finiteness is checked once on the device for every factor (requireFinite), not per value in Java
        try (SafetensorsReader file = SafetensorsReader.open(dir.resolve(PeftAdapterIo.WEIGHTS), false)) {
            PeftAdapterIo.Tensors tensors = new PeftAdapterIo.Tensors(file, new HashSet<>());
            String layout = h.layout(file);
            Map<LoraKey, NDArray> a = new LinkedHashMap<>();
            Map<LoraKey, NDArray> b = new LinkedHashMap<>();
            Map<LoraKey, float[]> hostA = new LinkedHashMap<>();
            Map<LoraKey, float[]> hostB = new LinkedHashMap<>();
            NDList peaks = new NDList(); // max and min of each expert factor, read back once
            List<LoraKey> peakKeys = new ArrayList<>();
            for (LoraKey key : LoraKey.all(c, h.targets())) {
                if (!key.expert()) {
                    // one tensor pair per key in either layout: decoded as the Java tier does (rotary rows included)
                    PeftAdapterIo.readKey(tensors, c, key, h.rank(), layout, hostA, hostB);
                    if (hostA.containsKey(key)) {
                        a.put(key, m.create(requireFinite(dir, key, LoraKey.A, hostA.remove(key)),
                                new Shape(key.shapeA(c, h.rank()))));
                        b.put(key, m.create(requireFinite(dir, key, LoraKey.B, hostB.remove(key)),
                                new Shape(key.shapeB(c, h.rank()))));
                    }
                    continue;
                }
                Boolean packed = PeftAdapterIo.expertLayout(tensors, c, key, layout);
                if (packed != null) {
                    int r = h.rank();
                    a.put(key, experts(tensors, c, key, packed, "lora_A", r, key.inDim(c), m, peaks)); // [E, in, r]
                    b.put(key, experts(tensors, c, key, packed, "lora_B", key.outDim(c), r, m, peaks)); // [E, r, out]
                    peakKeys.add(key);
                }
            }
            PeftAdapterIo.requireAllUsed(tensors, c, h);
            PeftAdapterIo.requireSome(!a.isEmpty(), dir, c, h);
            requireFinite(dir, peakKeys, peaks);
            return DeviceAdapter.adopt(id, c, h.rank(), h.alpha(), h.rsLora(), h.targets(), m, a, b);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Every routed expert's PEFT factor {@code factor} ([rows, cols] each, as stored) of {@code key} on the device,
     * stacked and transposed into compute layout [E, cols, rows], owned by {@code m}.
     */
    private static NDArray experts(PeftAdapterIo.Tensors tensors, ModelConfig c, LoraKey key, boolean packed,
                                   String factor, int rows, int cols, NDManager m, NDList peaks) {
        int e = c.numExperts();
        try (NDManager scratch = m.newSubManager()) {
            NDArray stored; // [E, rows, cols]
            if (packed) {
                stored = upload(tensors, PeftAdapterIo.packedName(c, key) + "." + factor + ".packed", scratch,
                        e, rows, cols);
            } else {
                NDList each = new NDList(e);
                for (int x = 0; x < e; x++) {
                    each.add(upload(tensors, PeftAdapterIo.PREFIX + key.modulePath(c, x) + "." + factor + ".weight",
                            scratch, rows, cols));
                }
                stored = NDArrays.stack(each);
            }
            NDArray peak = stored.max();
            NDArray floor = stored.min();
            NDArray compute = stored.transpose(0, 2, 1); // [E, cols, rows], a strided view of the stored stack
            for (NDArray x : new NDArray[] {peak, floor, compute, stored}) {
                x.attach(m);
            }
            peaks.add(peak);
            peaks.add(floor);
            return compute;
        }
    }

    /**
     * Refuses non-finite expert factors with one read-back for the whole adapter: the largest and the smallest value
     * of a stack (NaN propagates through max and min) are both finite exactly when all its values are; the peaks
     * are freed here.
     */
    private static void requireFinite(Path dir, List<LoraKey> keys, NDList peaks) {
        if (keys.isEmpty()) {
            return;
        }
        float[] v = NDArrays.stack(peaks).toFloatArray(); // per key: A max, A min, B max, B min
        peaks.close();
        for (int i = 0; i < v.length; i += 2) {
            if (!Float.isFinite(v[i]) || !Float.isFinite(v[i + 1])) {
                throw nonFinite(dir, keys.get(i / 4), i % 4 == 0 ? LoraKey.A : LoraKey.B);
            }
        }
    }

    /** {@code values} if all are finite (a factor decoded on the host); else a refusal naming it. */
    private static float[] requireFinite(Path dir, LoraKey key, String factor, float[] values) {
        for (float x : values) {
            if (!Float.isFinite(x)) {
                throw nonFinite(dir, key, factor);
            }
        }
        return values;
    }

    private static EngineException nonFinite(Path dir, LoraKey key, String factor) {
        return new EngineException(dir.resolve(PeftAdapterIo.WEIGHTS) + " holds a non-finite value in LoRA factor "
                + factor + " of " + key);
    }

    /** One stored tensor onto the device: float32 as its file bytes (one read, one copy), else widened on the host. */
    private static NDArray upload(PeftAdapterIo.Tensors tensors, String name, NDManager m, long... shape) {
        if (tensors.isF32(name)) {
            return m.create(tensors.readF32(name, shape), new Shape(shape), DataType.FLOAT32);
        }
        return m.create(tensors.read(name, shape), new Shape(shape));
    }
}
