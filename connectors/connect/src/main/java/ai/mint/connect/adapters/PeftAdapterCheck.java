package ai.mint.connect.adapters;

import ai.mint.common.catalog.PolicySpecChecks;
import ai.mint.common.safetensors.SafetensorsFormatException;
import ai.mint.common.safetensors.SafetensorsHeader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a PEFT LoRA adapter directory against a base model without the model engine: {@code adapter_config.json}
 * (LoRA, rank, alpha, target modules) and the safetensors header of {@code adapter_model.safetensors}, every factor's
 * shape against the base weight it adapts ({@link BaseShapes}). Plain pairs are {@code base_model.model.M.lora_A.weight}
 * [r, in] and {@code lora_B.weight} [out, r] for base weight {@code M.weight} [out, in]; the engine's packed experts are
 * {@code M.lora_A.packed} [E, r, in] and {@code lora_B.packed} [E, out, r] for {@code M.<e>.P.weight}. Anything else is
 * refused with the reason, so that what passes here is what the worker can load.
 */
public final class PeftAdapterCheck {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";
    private static final Set<String> FLOAT_TYPES = Set.of("F16", "BF16", "F32", "F64");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an adapter that passed declares. */
    public record Checked(int rank, double alpha, List<String> targetModules, int factors) {
    }

    /** An adapter that cannot be imported; the message says why. */
    public static final class RefusedException extends Exception {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final BaseShapes base;

    public PeftAdapterCheck(BaseShapes base) {
        this.base = base;
    }

    /** Whether {@code dir} looks like an adapter (it has an adapter_config.json). */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    public Checked check(Path dir) throws RefusedException {
        JsonNode config = config(dir);
        int rank = config.path("r").asInt(0);
        if (rank < PolicySpecChecks.MIN_RANK || rank > PolicySpecChecks.MAX_RANK) {
            throw new RefusedException(CONFIG + ": r " + config.path("r") + " is out of range "
                    + PolicySpecChecks.MIN_RANK + ".." + PolicySpecChecks.MAX_RANK);
        }
        double alpha = config.path("lora_alpha").asDouble(rank);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new RefusedException(CONFIG + ": lora_alpha " + config.path("lora_alpha") + " must be a number > 0");
        }
        JsonNode modules = config.path("target_modules");
        if (!modules.isArray() || modules.isEmpty()) {
            throw new RefusedException(CONFIG + ": target_modules must be a non-empty list of module names, got "
                    + modules);
        }
        Set<String> targets = new LinkedHashSet<>();
        modules.forEach(m -> targets.add(m.asText()));
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new RefusedException("no " + WEIGHTS + " beside " + CONFIG);
        }
        Map<String, SafetensorsHeader.Entry> tensors;
        try {
            tensors = SafetensorsHeader.read(weights).tensors();
        } catch (SafetensorsFormatException e) {
            throw new RefusedException(e.getMessage());
        }
        int factors = 0;
        for (SafetensorsHeader.Entry a : tensors.values()) {
            String name = a.name();
            if (!FLOAT_TYPES.contains(a.dtype())) {
                throw new RefusedException(WEIGHTS + " tensor '" + name + "' has dtype " + a.dtype() + "; LoRA factors"
                        + " must be one of " + FLOAT_TYPES);
            }
            if (name.endsWith(".lora_B.weight") || name.endsWith(".lora_B.packed")) {
                continue; // checked with its lora_A
            }
            boolean packed = name.endsWith(".lora_A.packed");
            if (!name.startsWith(PREFIX) || !(packed || name.endsWith(".lora_A.weight"))) {
                throw new RefusedException(WEIGHTS + " holds '" + name + "', which is not a LoRA factor of the base "
                        + "(expected " + PREFIX + "MODULE.lora_A.weight / lora_B.weight)");
            }
            String suffix = packed ? ".lora_A.packed" : ".lora_A.weight";
            String module = name.substring(PREFIX.length(), name.length() - suffix.length());
            String leaf = module.substring(module.lastIndexOf('.') + 1);
            if (!targets.contains(leaf)) {
                throw new RefusedException(WEIGHTS + " adapts " + module + " but target_modules " + targets
                        + " does not list " + leaf);
            }
            String bName = PREFIX + module + (packed ? ".lora_B.packed" : ".lora_B.weight");
            SafetensorsHeader.Entry b = tensors.get(bName);
            if (b == null) {
                throw new RefusedException(WEIGHTS + " has " + name + " but not its pair " + bName);
            }
            checkPair(module, packed, rank, a.shape(), b.shape());
            factors++;
        }
        if (factors == 0) {
            throw new RefusedException(WEIGHTS + " holds no LoRA factors");
        }
        return new Checked(rank, alpha, List.copyOf(targets), factors);
    }

    private void checkPair(String module, boolean packed, int rank, long[] a, long[] b) throws RefusedException {
        long[] w; // the base weight: [out, in]
        int experts = 1;
        if (packed) {
            int dot = module.lastIndexOf('.');
            String experts0 = module.substring(0, dot) + ".0" + module.substring(dot) + ".weight";
            w = base.shape(experts0).orElseThrow(() -> mismatch(module + " (packed experts): the base has no "
                    + experts0));
            experts = base.experts(module.substring(0, dot), module.substring(dot + 1));
        } else {
            w = base.shape(module + ".weight").orElseThrow(() -> mismatch(module + ": the base has no weight "
                    + module + ".weight"));
        }
        long[] wantA = packed ? new long[] {experts, rank, w[1]} : new long[] {rank, w[1]};
        long[] wantB = packed ? new long[] {experts, w[0], rank} : new long[] {w[0], rank};
        if (w.length != 2 || !Arrays.equals(a, wantA) || !Arrays.equals(b, wantB)) {
            throw mismatch(module + ": lora_A " + Arrays.toString(a) + " and lora_B " + Arrays.toString(b)
                    + " do not fit rank " + rank + " and the base weight " + Arrays.toString(w)
                    + " [out, in] (expected " + Arrays.toString(wantA) + " and " + Arrays.toString(wantB) + ")");
        }
    }

    private RefusedException mismatch(String what) {
        return new RefusedException("does not fit the base in " + base.dir() + ": " + what);
    }

    private static JsonNode config(Path dir) throws RefusedException {
        JsonNode config;
        try {
            config = JSON.readTree(dir.resolve(CONFIG).toFile());
        } catch (IOException e) {
            throw new RefusedException(CONFIG + " is not valid JSON: " + e.getMessage());
        }
        if (config == null || !config.isObject()) {
            throw new RefusedException(CONFIG + " is not a JSON object");
        }
        String type = config.path("peft_type").asText("LORA");
        if (!type.equalsIgnoreCase("LORA")) {
            throw new RefusedException(CONFIG + ": peft_type " + type + " is not LORA");
        }
        return config;
    }
}
