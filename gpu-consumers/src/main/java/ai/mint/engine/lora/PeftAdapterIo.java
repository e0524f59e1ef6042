package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes LoRA adapters in PEFT's layout: {@code adapter_config.json} and {@code adapter_model.safetensors}
 * with tensors named {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code lora_B.weight} [out, r].
 * MoE expert factors are either PEFT's one pair per expert or, with the packed layout, one pair per layer and
 * projection holding all experts in compute layout ({@code ...mlp.experts.<proj>.lora_A.packed} [E, in, r] and
 * {@code lora_B.packed} [E, r, out]); {@link #read} accepts both.
 */
public final class PeftAdapterIo {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    static final String PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftAdapterIo() {
    }

    /** Writes PEFT's per-expert layout; returns the sha-256 (hex) of the weights file. */
    public static String write(Path dir, LoraWeights w, ModelConfig c) {
        return write(dir, w, c, false);
    }

    /** Writes the adapter; {@code packedExperts} stores MoE expert factors packed. Returns the file's sha-256. */
    public static String write(Path dir, LoraWeights w, ModelConfig c, boolean packedExperts) {
        w.checkFits(c);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        int r = w.rank();
        for (LoraKey key : w.a().keySet()) {
            float[] a = w.a().get(key);
            float[] b = w.b().get(key);
            int in = key.inDim(c);
            int out = key.outDim(c);
            if (!key.expert()) {
                String module = PREFIX + key.projection().modulePath(c, key.layer(), -1);
                writer.add(module + ".lora_A.weight", new long[] {r, in}, BaseModel.transpose(a, in, r));
                writer.add(module + ".lora_B.weight", new long[] {out, r}, BaseModel.transpose(b, r, out));
            } else if (packedExperts) {
                String packed = packedName(c, key);
                writer.add(packed + ".lora_A.packed", new long[] {c.numExperts(), in, r}, a);
                writer.add(packed + ".lora_B.packed", new long[] {c.numExperts(), r, out}, b);
            } else {
                for (int e = 0; e < c.numExperts(); e++) {
                    String module = PREFIX + key.projection().modulePath(c, key.layer(), e);
                    writer.add(module + ".lora_A.weight", new long[] {r, in},
                            BaseModel.transpose(slice(a, e, in * r), in, r));
                    writer.add(module + ".lora_B.weight", new long[] {out, r},
                            BaseModel.transpose(slice(b, e, r * out), r, out));
                }
            }
        }
        try {
            Files.createDirectories(dir);
            writer.write(dir.resolve(WEIGHTS));
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(),
                    config(w, c, packedExperts));
        } catch (IOException e) {
            throw new EngineException("cannot write adapter to " + dir + ": " + e.getMessage(), e);
        }
        return sha256(dir.resolve(WEIGHTS));
    }

    private static ObjectNode config(LoraWeights w, ModelConfig c, boolean packed) {
        ObjectNode n = JSON.createObjectNode();
        n.put("peft_type", "LORA");
        n.put("task_type", "CAUSAL_LM");
        n.put("r", w.rank());
        n.put("lora_alpha", w.alpha());
        n.put("lora_dropout", 0.0);
        n.put("bias", "none");
        n.put("fan_in_fan_out", false);
        n.put("use_rslora", w.rsLora());
        n.put("base_model_name_or_path", c.modelType());
        ArrayNode targets = n.putArray("target_modules");
        w.targets().forEach(p -> targets.add(p.peftName()));
        if (c.isMoe()) {
            n.put("mint_expert_layout", packed ? "packed" : "per_expert");
        }
        return n;
    }

    /** Reads an adapter directory for base {@code c}; malformed or mismatched files raise {@link EngineException}. */
    public static LoraWeights read(Path dir, ModelConfig c) {
        JsonNode cfg;
        try {
            cfg = JSON.readTree(dir.resolve(CONFIG).toFile());
        } catch (IOException e) {
            throw new EngineException("cannot read " + dir.resolve(CONFIG) + ": " + e.getMessage(), e);
        }
        if (!"LORA".equalsIgnoreCase(cfg.path("peft_type").asText("LORA"))) {
            throw new EngineException(dir + " is a " + cfg.path("peft_type").asText() + " adapter, not LORA");
        }
        int r = cfg.path("r").asInt(0);
        float alpha = (float) cfg.path("lora_alpha").asDouble(r);
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        JsonNode modules = cfg.path("target_modules");
        if (!modules.isArray() || modules.isEmpty()) {
            throw new EngineException(dir.resolve(CONFIG) + " lists no target_modules (a list is required)");
        }
        for (JsonNode m : modules) {
            try {
                targets.add(Projection.fromPeftName(m.asText()));
            } catch (IllegalArgumentException e) {
                throw new EngineException(dir.resolve(CONFIG) + ": " + e.getMessage());
            }
        }
        Map<LoraKey, float[]> a = new LinkedHashMap<>();
        Map<LoraKey, float[]> b = new LinkedHashMap<>();
        try (SafetensorsReader reader = SafetensorsReader.open(dir.resolve(WEIGHTS))) {
            for (int layer = 0; layer < c.numLayers(); layer++) {
                for (Projection p : targets) {
                    LoraKey key = LoraKey.of(c, layer, p);
                    readKey(reader, c, key, r, a, b);
                }
            }
        }
        if (a.isEmpty()) {
            throw new EngineException(dir.resolve(WEIGHTS) + " holds no LoRA tensor for " + targets
                    + " on this " + c.modelType() + " base");
        }
        return new LoraWeights(r, alpha, cfg.path("use_rslora").asBoolean(false), targets, a, b);
    }

    private static void readKey(SafetensorsReader reader, ModelConfig c, LoraKey key, int r,
                                Map<LoraKey, float[]> a, Map<LoraKey, float[]> b) {
        int in = key.inDim(c);
        int out = key.outDim(c);
        if (!key.expert()) {
            String module = PREFIX + key.projection().modulePath(c, key.layer(), -1);
            if (reader.contains(module + ".lora_A.weight")) {
                a.put(key, BaseModel.transpose(read(reader, module + ".lora_A.weight", r, in), r, in));
                b.put(key, BaseModel.transpose(read(reader, module + ".lora_B.weight", out, r), out, r));
            }
            return;
        }
        int e = c.numExperts();
        String packed = packedName(c, key);
        if (reader.contains(packed + ".lora_A.packed")) {
            a.put(key, read(reader, packed + ".lora_A.packed", e, in, r));
            b.put(key, read(reader, packed + ".lora_B.packed", e, r, out));
            return;
        }
        if (!reader.contains(PREFIX + key.projection().modulePath(c, key.layer(), 0) + ".lora_A.weight")) {
            return;
        }
        float[] fa = new float[e * in * r];
        float[] fb = new float[e * r * out];
        for (int x = 0; x < e; x++) {
            String module = PREFIX + key.projection().modulePath(c, key.layer(), x);
            System.arraycopy(BaseModel.transpose(read(reader, module + ".lora_A.weight", r, in), r, in), 0, fa,
                    x * in * r, in * r);
            System.arraycopy(BaseModel.transpose(read(reader, module + ".lora_B.weight", out, r), out, r), 0, fb,
                    x * r * out, r * out);
        }
        a.put(key, fa);
        b.put(key, fb);
    }

    private static float[] read(SafetensorsReader reader, String name, long... shape) {
        HostTensor t = reader.read(name);
        if (!java.util.Arrays.equals(t.shape(), shape) || !t.isFloating()) {
            throw new EngineException(reader.path() + " tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + ", the base and adapter_config.json imply "
                    + java.util.Arrays.toString(shape));
        }
        return t.floats();
    }

    static String packedName(ModelConfig c, LoraKey key) {
        return PREFIX + "model.layers." + key.layer() + (c.mixtralNames() ? ".block_sparse_moe" : ".mlp")
                + ".experts." + key.projection().peftName();
    }

    private static float[] slice(float[] src, int index, int size) {
        float[] out = new float[size];
        System.arraycopy(src, index * size, out, 0, size);
        return out;
    }

    /** Hex sha-256 of a file, streamed. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new EngineException("cannot hash " + file + ": " + e.getMessage(), e);
        }
    }
}
