package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.RotaryRows;
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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes LoRA adapters in PEFT's layout: {@code adapter_config.json} and {@code adapter_model.safetensors}
 * with tensors named {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code lora_B.weight} [out, r].
 * MoE expert factors are either PEFT's one pair per expert or, with the packed layout, one pair per layer and
 * projection holding every expert's PEFT tensor stacked ({@code ...mlp.experts.<proj>.lora_A.packed} [E, r, in] and
 * {@code lora_B.packed} [E, out, r]); {@link #read} accepts both. Both layouts hold the same numbers in the same
 * orientation and decode with the same transposes: they differ only in how many tensors the file has.
 */
public final class PeftAdapterIo {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    static final String PREFIX = "base_model.model.";
    static final String LAYOUT_KEY = "mint_expert_layout";

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
        if (c.isMoe()) {
            // our own key lives in the safetensors metadata, so adapter_config.json stays plain PEFT
            writer.metadata(LAYOUT_KEY, packedExperts ? "packed" : "per_expert");
        }
        int r = w.rank();
        for (LoraKey key : w.a().keySet()) {
            float[] a = w.a().get(key);
            float[] b = w.b().get(key);
            int in = key.inDim(c);
            int out = key.outDim(c);
            if (!key.expert()) {
                String module = PREFIX + key.modulePath(c, -1);
                float[] hfB = BaseModel.transpose(b, r, out); // [out, r]
                RotaryRows rotary = RotaryRows.of(c, key.projection());
                writer.add(module + ".lora_A.weight", new long[] {r, in}, BaseModel.transpose(a, in, r));
                writer.add(module + ".lora_B.weight", new long[] {out, r},
                        rotary == null ? hfB : rotary.toCheckpoint(hfB, r));
            } else if (packedExperts) {
                int n = c.numExperts();
                float[] pa = new float[n * r * in];  // [E, r, in]
                float[] pb = new float[n * out * r]; // [E, out, r]
                for (int e = 0; e < n; e++) {
                    BaseModel.transposeInto(a, e * in * r, in, r, pa, e * r * in);
                    BaseModel.transposeInto(b, e * r * out, r, out, pb, e * out * r);
                }
                String packed = packedName(c, key);
                writer.add(packed + ".lora_A.packed", new long[] {n, r, in}, pa);
                writer.add(packed + ".lora_B.packed", new long[] {n, out, r}, pb);
            } else {
                for (int e = 0; e < c.numExperts(); e++) {
                    String module = PREFIX + key.modulePath(c, e);
                    float[] pa = new float[r * in];
                    float[] pb = new float[out * r];
                    BaseModel.transposeInto(a, e * in * r, in, r, pa, 0);
                    BaseModel.transposeInto(b, e * r * out, r, out, pb, 0);
                    writer.add(module + ".lora_A.weight", new long[] {r, in}, pa);
                    writer.add(module + ".lora_B.weight", new long[] {out, r}, pb);
                }
            }
        }
        try {
            Files.createDirectories(dir);
            writer.write(dir.resolve(WEIGHTS));
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(),
                    config(w, c));
        } catch (IOException e) {
            throw new EngineException("cannot write adapter to " + dir + ": " + e.getMessage(), e);
        }
        return sha256(dir.resolve(WEIGHTS));
    }

    private static ObjectNode config(LoraWeights w, ModelConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("peft_type", "LORA");
        n.put("task_type", "CAUSAL_LM");
        n.put("r", w.rank());
        n.put("lora_alpha", w.alpha());
        n.put("lora_dropout", 0.0);
        n.put("bias", "none");
        n.put("fan_in_fan_out", false);
        n.put("use_rslora", w.rsLora());
        if (c.nameOrPath() != null) {
            n.put("base_model_name_or_path", c.nameOrPath());
        } else {
            n.putNull("base_model_name_or_path");
        }
        ArrayNode targets = n.putArray("target_modules");
        w.targets().forEach(p -> targets.add(p.targetName(c)));
        return n;
    }

    /** Reads an adapter directory for base {@code c}; malformed or mismatched files raise {@link EngineException}. */
    public static LoraWeights read(Path dir, ModelConfig c) {
        Header h = header(dir, c);
        Map<LoraKey, float[]> a = new LinkedHashMap<>();
        Map<LoraKey, float[]> b = new LinkedHashMap<>();
        try (SafetensorsReader reader = SafetensorsReader.open(dir.resolve(WEIGHTS))) {
            Tensors tensors = new Tensors(reader, new HashSet<>());
            String layout = h.layout(reader);
            for (LoraKey key : LoraKey.all(c, h.targets())) {
                readKey(tensors, c, key, h.rank(), layout, a, b);
            }
            requireAllUsed(tensors, c, h);
        }
        requireSome(!a.isEmpty(), dir, c, h);
        return new LoraWeights(h.rank(), h.alpha(), h.rsLora(), h.targets(), a, b);
    }

    /** What adapter_config.json says: rank, alpha, rsLoRA and the targets, checked against base {@code c}. */
    record Header(int rank, float alpha, boolean rsLora, Set<Projection> targets, JsonNode config) {
        /** The declared expert layout: in the safetensors metadata, or (older files) in adapter_config.json. */
        String layout(SafetensorsReader reader) {
            return reader.metadata().getOrDefault(LAYOUT_KEY, config.path(LAYOUT_KEY).asText(null));
        }
    }

    static Header header(Path dir, ModelConfig c) {
        JsonNode cfg;
        try {
            cfg = JSON.readTree(dir.resolve(CONFIG).toFile());
        } catch (IOException e) {
            throw new EngineException("cannot read " + dir.resolve(CONFIG) + ": " + e.getMessage(), e);
        }
        if (!"LORA".equalsIgnoreCase(cfg.path("peft_type").asText("LORA"))) {
            throw new EngineException(dir + " is a " + cfg.path("peft_type").asText() + " adapter, not LORA");
        }
        rejectUnsupported(dir.resolve(CONFIG), cfg);
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
        try {
            LoraKey.requireTargets(c, targets);
        } catch (EngineException e) {
            throw new EngineException(dir.resolve(CONFIG) + ": " + e.getMessage(), e);
        }
        if (r < 1 || r > 64) {
            throw new EngineException(dir.resolve(CONFIG) + ": LoRA rank " + r + " is outside 1..64");
        }
        return new Header(r, alpha, cfg.path("use_rslora").asBoolean(false), targets, cfg);
    }

    /** Refuses LoRA tensors in the file that no key of the header's targets read (wrong base or target list). */
    static void requireAllUsed(Tensors tensors, ModelConfig c, Header h) {
        List<String> unused = tensors.reader().names().stream()
                .filter(n -> n.contains("lora_") && !tensors.consumed().contains(n)).sorted().toList();
        if (!unused.isEmpty()) {
            throw new EngineException(tensors.path() + " has LoRA tensors this " + c.modelType()
                    + " base and target_modules " + h.targets() + " do not use (wrong base or target list?): "
                    + (unused.size() > 8 ? unused.subList(0, 8) + " and " + (unused.size() - 8) + " more"
                    : unused));
        }
    }

    static void requireSome(boolean found, Path dir, ModelConfig c, Header h) {
        if (!found) {
            throw new EngineException(dir.resolve(WEIGHTS) + " holds no LoRA tensor for " + h.targets()
                    + " on this " + c.modelType() + " base");
        }
    }

    /**
     * Which layout holds the expert factors of {@code key}: true packed, false per-expert, null neither (the key is
     * not in the file). A file that declares one layout and holds the other is refused.
     */
    static Boolean expertLayout(Tensors reader, ModelConfig c, LoraKey key, String layout) {
        boolean hasPacked = reader.contains(packedName(c, key) + ".lora_A.packed");
        boolean hasPerExpert = reader.contains(PREFIX + key.modulePath(c, 0) + ".lora_A.weight");
        if (layout != null && (layout.equals("packed") ? hasPerExpert : hasPacked)) {
            throw new EngineException(reader.path() + " declares " + LAYOUT_KEY + "=" + layout + " but holds "
                    + (hasPacked ? "packed" : "per-expert") + " tensors for " + key);
        }
        return hasPacked ? Boolean.TRUE : hasPerExpert ? Boolean.FALSE : null;
    }

    static void readKey(Tensors reader, ModelConfig c, LoraKey key, int r, String layout,
                                Map<LoraKey, float[]> a, Map<LoraKey, float[]> b) {
        int in = key.inDim(c);
        int out = key.outDim(c);
        if (!key.expert()) {
            String module = PREFIX + key.modulePath(c, -1);
            if (reader.contains(module + ".lora_A.weight")) {
                a.put(key, BaseModel.transpose(reader.read(module + ".lora_A.weight", r, in), r, in));
                float[] hfB = reader.read(module + ".lora_B.weight", out, r); // [out, r]
                RotaryRows rotary = RotaryRows.of(c, key.projection());
                b.put(key, BaseModel.transpose(rotary == null ? hfB : rotary.toEngine(hfB, r), out, r));
            }
            return;
        }
        Boolean found = expertLayout(reader, c, key, layout);
        if (found == null) {
            return;
        }
        boolean hasPacked = found;
        int e = c.numExperts();
        String packed = packedName(c, key);
        // both layouts: each expert's PEFT tensors A [r, in] and B [out, r], transposed into [E, in, r] / [E, r, out]
        float[] fa = new float[e * in * r];
        float[] fb = new float[e * r * out];
        float[] packedA = hasPacked ? reader.read(packed + ".lora_A.packed", e, r, in) : null;
        float[] packedB = hasPacked ? reader.read(packed + ".lora_B.packed", e, out, r) : null;
        for (int x = 0; x < e; x++) {
            String module = PREFIX + key.modulePath(c, x);
            float[] ax = hasPacked ? packedA : reader.read(module + ".lora_A.weight", r, in);
            float[] bx = hasPacked ? packedB : reader.read(module + ".lora_B.weight", out, r);
            BaseModel.transposeInto(ax, hasPacked ? x * r * in : 0, r, in, fa, x * in * r);
            BaseModel.transposeInto(bx, hasPacked ? x * out * r : 0, out, r, fb, x * r * out);
        }
        a.put(key, fa);
        b.put(key, fb);
    }

    /** The adapter file, recording which tensors were read so that leftovers can be reported. */
    record Tensors(SafetensorsReader reader, Set<String> consumed) {
        boolean contains(String name) {
            return reader.contains(name);
        }

        Path path() {
            return reader.path();
        }

        float[] read(String name, long... shape) {
            check(name, shape);
            HostTensor t = reader.read(name);
            consumed.add(name);
            return t.floats();
        }

        /** The tensor's little-endian float32 bytes in a direct buffer (see {@link SafetensorsReader#readF32}). */
        java.nio.ByteBuffer readF32(String name, long... shape) {
            check(name, shape);
            java.nio.ByteBuffer buf = reader.readF32(name);
            consumed.add(name);
            return buf;
        }

        /** Whether the file stores {@code name} as float32 (which uploads as it is). */
        boolean isF32(String name) {
            return reader.info(name).dtype() == ai.mint.engine.safetensors.DType.F32;
        }

        private void check(String name, long... shape) {
            ai.mint.engine.safetensors.TensorInfo t = reader.info(name);
            if (!java.util.Arrays.equals(t.shape(), shape) || !t.dtype().isFloating()) {
                throw new EngineException(reader.path() + " tensor '" + name + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + " of " + t.dtype()
                        + ", the base and adapter_config.json imply " + java.util.Arrays.toString(shape)
                        + " of floats");
            }
        }
    }

    /** PEFT options that change what the tensors mean; loading them as plain LoRA would be silently wrong. */
    private static void rejectUnsupported(Path file, JsonNode cfg) {
        List<String> wrong = new ArrayList<>();
        if (cfg.path("use_dora").asBoolean(false)) {
            wrong.add("use_dora=true");
        }
        if (cfg.path("fan_in_fan_out").asBoolean(false)) {
            wrong.add("fan_in_fan_out=true");
        }
        if (!cfg.path("bias").asText("none").equals("none")) {
            wrong.add("bias=" + cfg.get("bias").asText());
        }
        for (String key : List.of("layers_to_transform", "modules_to_save", "rank_pattern", "alpha_pattern")) {
            JsonNode v = cfg.path(key);
            if (!v.isMissingNode() && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                wrong.add(key + "=" + v);
            }
        }
        if (!wrong.isEmpty()) {
            throw new EngineException(file + " uses PEFT options this engine does not implement: "
                    + String.join(", ", wrong) + " (plain LoRA only)");
        }
    }

    static String packedName(ModelConfig c, LoraKey key) {
        return PREFIX + "model.layers." + key.layer() + (c.mixtralNames() ? ".block_sparse_moe" : ".mlp")
                + ".experts." + key.projection().peftName();
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
