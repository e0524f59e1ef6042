package ai.mint.engine.model;

import ai.djl.Device;
import ai.mint.engine.EngineException;
import ai.mint.engine.Forwards;
import ai.mint.engine.reference.ReferenceCheckpoints;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.Float8;
import ai.mint.engine.safetensors.HalfFloats;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A DeepSeek-V3 checkpoint in the layout DeepSeek ships: three safetensors shards with model.safetensors.index.json,
 * linear weights as F8_E4M3 with float32 {@code weight_scale_inv} blocks, embeddings, norms and router in BF16, the
 * correction bias in F32, a multi-token-prediction layer the forward does not use, and quantization_config in
 * config.json. It must load to exactly the model of its dequantized float32 twin.
 */
class DeepseekCheckpointTest {

    /** Small blocks so that the micro model's weights span several (the real ones are 128 x 128). */
    static final int BLOCK = 16;

    @TempDir
    Path dir;

    @Test
    void shardedFp8CheckpointWithIndexLoadsLikeItsDequantizedTwin() throws Exception {
        ModelConfig c = TestModels.microDeepseekSparse();
        Map<String, HostTensor> source = new LinkedHashMap<>(read(ReferenceCheckpoints.write(dir.resolve("src"), c, 4)));
        // DeepSeek-V3's MTP module sits after the last layer; transformers and this engine skip it
        String mtp = "model.layers." + c.numLayers() + ".";
        source.put(mtp + "eh_proj.weight", random(mtp + "eh_proj.weight", 32, 64));
        source.put(mtp + "enorm.weight", random(mtp + "enorm.weight", 32));
        Map<String, HostTensor> twin = new LinkedHashMap<>();
        List<SafetensorsWriter> shards = List.of(new SafetensorsWriter(), new SafetensorsWriter(),
                new SafetensorsWriter());
        ObjectNode index = new ObjectMapper().createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode map = index.putObject("weight_map");
        int n = 0;
        for (HostTensor t : source.values()) {
            int shard = n++ % shards.size();
            String file = "model-0000" + (shard + 1) + "-of-00003.safetensors";
            if (quantized(t)) {
                Quantized q = quantize(t);
                shards.get(shard).add(t.name(), t.shape(), q.stored(), DType.F8_E4M3);
                shards.get(shard).add(t.name() + "_scale_inv", q.scaleShape(), q.scales());
                map.put(t.name() + "_scale_inv", file);
                twin.put(t.name(), HostTensor.ofFloats(t.name(), t.shape(), q.dequantized()));
            } else if (t.name().endsWith("e_score_correction_bias")) {
                shards.get(shard).add(t.name(), t.shape(), t.floats());
                twin.put(t.name(), t);
            } else {
                float[] bf16 = t.floats().clone();
                for (int i = 0; i < bf16.length; i++) {
                    bf16[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(bf16[i]));
                }
                shards.get(shard).add(t.name(), t.shape(), bf16, DType.BF16);
                twin.put(t.name(), HostTensor.ofFloats(t.name(), t.shape(), bf16));
            }
            map.put(t.name(), file);
        }
        Path real = dir.resolve("real");
        Files.createDirectories(real);
        for (int i = 0; i < shards.size(); i++) {
            shards.get(i).write(real.resolve("model-0000" + (i + 1) + "-of-00003.safetensors"));
        }
        new ObjectMapper().writeValue(real.resolve(CheckpointFiles.INDEX).toFile(), index);
        ObjectNode config = c.toJson();
        config.putObject("quantization_config").put("activation_scheme", "dynamic").put("fmt", "e4m3")
                .put("quant_method", "fp8").putArray("weight_block_size").add(BLOCK).add(BLOCK);
        config.put("num_nextn_predict_layers", 1).put("ep_size", 1).put("seq_aux", true)
                .put("aux_loss_alpha", 0.001);
        Files.writeString(real.resolve("config.json"), config.toString());
        BaseModelInitializer.writeCheckpoint(dir.resolve("twin"), c, twin, DType.F32);

        long[][] rows = Forwards.tokens(2, 6, 3);
        DecoderModel fp8 = HfModelLoader.load(real, Device.cpu());
        DecoderModel f32 = HfModelLoader.load(dir.resolve("twin"), Device.cpu());
        try {
            assertThat(Forwards.logits(fp8, rows, null, null)).containsExactly(Forwards.logits(f32, rows, null, null));
        } finally {
            fp8.base().close();
            f32.base().close();
        }
    }

    @Test
    void fp8WeightWithoutItsBlockScalesIsRefusedByName() throws Exception {
        Path base = fp8Checkpoint(true);
        Path file = base.resolve(CheckpointFiles.SINGLE);
        Map<String, HostTensor> t = read(base);
        SafetensorsWriter w = new SafetensorsWriter();
        t.forEach((name, x) -> {
            if (!name.equals("model.layers.0.self_attn.o_proj.weight_scale_inv")) {
                w.add(name, x.shape(), x.floats(), x.sourceDtype() == DType.F8_E4M3 ? DType.F8_E4M3 : DType.F32);
            }
        });
        w.write(file);
        assertThatThrownBy(() -> HfModelLoader.load(base, Device.cpu())).isInstanceOf(EngineException.class)
                .hasMessageContaining("model.layers.0.self_attn.o_proj.weight").hasMessageContaining("_scale_inv");
    }

    @Test
    void fp8WithoutQuantizationConfigAndOtherQuantizationMethodsAreRefused() throws Exception {
        Path noConfig = fp8Checkpoint(false);
        assertThatThrownBy(() -> HfModelLoader.load(noConfig, Device.cpu())).isInstanceOf(EngineException.class)
                .hasMessageContaining("quantization_config");
        Path awq = fp8Checkpoint(true);
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(awq.resolve("config.json").toFile());
        ((ObjectNode) config.get("quantization_config")).put("quant_method", "awq");
        Files.writeString(awq.resolve("config.json"), config.toString());
        assertThatThrownBy(() -> HfModelLoader.load(awq, Device.cpu())).isInstanceOf(EngineException.class)
                .hasMessageContaining("quant_method 'awq'");
    }

    /** A single-file micro DeepSeek whose o_proj weights are FP8 with scales; with or without quantization_config. */
    private Path fp8Checkpoint(boolean declared) throws Exception {
        ModelConfig c = TestModels.microDeepseek();
        Path base = dir.resolve(declared ? "declared" : "undeclared");
        Map<String, HostTensor> t = BaseModelInitializer.tensors(c, 1);
        SafetensorsWriter w = new SafetensorsWriter();
        t.forEach((name, x) -> {
            if (name.endsWith("o_proj.weight")) {
                Quantized q = quantize(x);
                w.add(name, x.shape(), q.stored(), DType.F8_E4M3);
                w.add(name + "_scale_inv", q.scaleShape(), q.scales());
            } else {
                w.add(name, x.shape(), x.floats());
            }
        });
        BaseModelInitializer.writeCheckpoint(base, c, Map.of(), DType.F32);
        w.write(base.resolve(CheckpointFiles.SINGLE));
        if (declared) {
            ObjectNode config = c.toJson();
            config.putObject("quantization_config").put("quant_method", "fp8").putArray("weight_block_size")
                    .add(BLOCK).add(BLOCK);
            Files.writeString(base.resolve("config.json"), config.toString());
        }
        return base;
    }

    /** What DeepSeek quantizes: 2-D linear weights, not embeddings, the head, norms or the router. */
    private static boolean quantized(HostTensor t) {
        return t.shape().length == 2 && !t.name().contains("embed_tokens") && !t.name().equals("lm_head.weight")
                && !t.name().endsWith("mlp.gate.weight");
    }

    /** FP8 codes (as the floats they decode to), block scales, and the values a dequantizer must produce. */
    private record Quantized(float[] stored, float[] scales, long[] scaleShape, float[] dequantized) {
    }

    /** Per 16 x 16 block: scale = max|w| / 448, stored = e4m3(w / scale), dequantized = stored * scale. */
    private static Quantized quantize(HostTensor t) {
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        int br = (rows + BLOCK - 1) / BLOCK;
        int bc = (cols + BLOCK - 1) / BLOCK;
        float[] scales = new float[br * bc];
        float[] w = t.floats();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int b = i / BLOCK * bc + j / BLOCK;
                scales[b] = Math.max(scales[b], Math.abs(w[i * cols + j]) / 448f);
            }
        }
        float[] stored = new float[w.length];
        float[] dequantized = new float[w.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float s = scales[i / BLOCK * bc + j / BLOCK];
                stored[i * cols + j] = Float8.e4m3ToFloat(Float8.floatToE4m3(w[i * cols + j] / s));
                dequantized[i * cols + j] = stored[i * cols + j] * s;
            }
        }
        return new Quantized(stored, scales, new long[] {br, bc}, dequantized);
    }

    private static Map<String, HostTensor> read(Path base) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (var r = ai.mint.engine.safetensors.SafetensorsReader.open(base.resolve(CheckpointFiles.SINGLE))) {
            for (String name : r.names()) {
                out.put(name, r.read(name));
            }
        }
        return out;
    }

    private static HostTensor random(String name, long... shape) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(name.hashCode());
        float[] f = new float[(int) HostTensor.elementCount(shape)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return HostTensor.ofFloats(name, shape, f);
    }
}
