package ai.mint.engine.model;

import ai.mint.engine.EngineException;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Block-quantized FP8 checkpoints as DeepSeek-V3 and Kimi-K2 ship them: config.json's
 * {@code quantization_config} says {@code quant_method: fp8} with a {@code weight_block_size} [bo, bi] (128 x 128),
 * each quantized linear weight {@code X.weight} [out, in] is F8_E4M3 and {@code X.weight_scale_inv}
 * [ceil(out / bo), ceil(in / bi)] holds one float32 multiplier per block (DeepSeek's {@code weight_dequant}
 * multiplies by it, despite its name). Here every such weight is dequantized to float32 on load and the scales are
 * dropped, so the rest of the engine sees an ordinary checkpoint. Other quantization methods are refused by name.
 */
final class Fp8Weights {

    static final String SCALE_SUFFIX = "_scale_inv";

    private Fp8Weights() {
    }

    /** The [bo, bi] block size from {@code configJson}'s quantization_config, or null when there is none. */
    static int[] blockSize(Path configJson) {
        if (!Files.isRegularFile(configJson)) {
            return null;
        }
        JsonNode q;
        try {
            q = new ObjectMapper().readTree(configJson.toFile()).path("quantization_config");
        } catch (IOException e) {
            throw new EngineException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
        if (q.isMissingNode() || q.isNull()) {
            return null;
        }
        String method = q.path("quant_method").asText("");
        if (!method.equals("fp8")) {
            throw new EngineException(configJson + ": quantization_config.quant_method '" + method + "' is not"
                    + " supported (only fp8 with weight_block_size, dequantized on load)");
        }
        String fmt = q.path("fmt").asText("e4m3");
        if (!fmt.equals("e4m3")) {
            throw new EngineException(configJson + ": quantization_config.fmt '" + fmt + "' is not supported (e4m3)");
        }
        JsonNode block = q.path("weight_block_size");
        if (!block.isArray() || block.size() != 2 || block.get(0).asInt(0) <= 0 || block.get(1).asInt(0) <= 0) {
            throw new EngineException(configJson + ": quantization_config.weight_block_size must be two positive"
                    + " integers, got " + block);
        }
        return new int[] {block.get(0).asInt(), block.get(1).asInt()};
    }

    /**
     * Replaces every FP8 weight of {@code tensors} by its float32 dequantization and drops the scales.
     *
     * @param block [bo, bi] from {@link #blockSize}, or null when config.json declares no quantization
     * @throws EngineException naming the tensor when a scale or a weight lacks its partner, shapes disagree, or
     *                         FP8 tensors appear without a quantization_config
     */
    static Map<String, HostTensor> dequantize(Map<String, HostTensor> tensors, int[] block) {
        List<String> scales = tensors.keySet().stream().filter(n -> n.endsWith(SCALE_SUFFIX)).sorted().toList();
        List<String> fp8 = tensors.values().stream().filter(Fp8Weights::isFp8).map(HostTensor::name).sorted()
                .toList();
        if (scales.isEmpty() && fp8.isEmpty()) {
            return tensors;
        }
        if (block == null) {
            throw new EngineException("checkpoint holds FP8 tensors or block scales (" + first(fp8.isEmpty() ? scales
                    : fp8) + ") but config.json has no quantization_config saying how to dequantize them");
        }
        Map<String, HostTensor> out = new HashMap<>(tensors);
        for (String scaleName : scales) {
            String weightName = scaleName.substring(0, scaleName.length() - SCALE_SUFFIX.length());
            HostTensor w = tensors.get(weightName);
            if (w == null) {
                throw new EngineException("checkpoint has block scales '" + scaleName + "' but no '" + weightName
                        + "'");
            }
            out.put(weightName, dequantize(w, tensors.get(scaleName), block));
            out.remove(scaleName);
        }
        List<String> unscaled = new ArrayList<>();
        for (String name : fp8) {
            if (!tensors.containsKey(name + SCALE_SUFFIX)) {
                unscaled.add(name);
            }
        }
        if (!unscaled.isEmpty()) {
            throw new EngineException("FP8 tensors without block scales (" + SCALE_SUFFIX + "): " + first(unscaled));
        }
        return out;
    }

    private static HostTensor dequantize(HostTensor w, HostTensor scale, int[] block) {
        long[] ws = w.shape();
        long[] ss = scale.shape();
        if (ws.length != 2 || !scale.isFloating() || ss.length != 2 || ss[0] != ceilDiv(ws[0], block[0])
                || ss[1] != ceilDiv(ws[1], block[1])) {
            throw new EngineException("block scales '" + scale.name() + "' " + Arrays.toString(ss) + " do not fit '"
                    + w.name() + "' " + Arrays.toString(ws) + " in " + block[0] + "x" + block[1] + " blocks");
        }
        if (!isFp8(w)) {
            throw new EngineException("'" + w.name() + "' has block scales but is stored as " + w.sourceDtype()
                    + ", not FP8");
        }
        int rows = (int) ws[0];
        int cols = (int) ws[1];
        int scaleCols = (int) ss[1];
        float[] f = w.floats().clone();
        float[] s = scale.floats();
        for (int i = 0; i < rows; i++) {
            int rowBlock = (i / block[0]) * scaleCols;
            for (int j = 0; j < cols; j++) {
                f[i * cols + j] *= s[rowBlock + j / block[1]];
            }
        }
        return new HostTensor(w.name(), w.sourceDtype(), ws.clone(), f, null);
    }

    private static boolean isFp8(HostTensor t) {
        return t.sourceDtype() == DType.F8_E4M3 || t.sourceDtype() == DType.F8_E5M2;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static String first(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
    }
}
