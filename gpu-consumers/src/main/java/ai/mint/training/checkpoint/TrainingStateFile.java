package ai.mint.training.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;
import ai.mint.training.TrainingException;
import ai.mint.training.grpo.AdamState;
import ai.mint.training.step.PolicyState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resumable state of one policy in one safetensors file: the LoRA factors ({@code lora.NAME}), the Adam moments
 * ({@code adam.m.NAME}, {@code adam.v.NAME}), and in the metadata the Adam step, the revision, the random generator's
 * state and the LoRA shape (rank, alpha, rsLoRA). Float32 throughout, so a reload is bit-exact.
 */
public final class TrainingStateFile {

    static final String FILE = "training_state.safetensors";
    static final String FORMAT = "mint-training-state-v1";
    private static final String LORA = "lora.";
    private static final String ADAM = "adam.";
    private static final String RS_LORA = "rs_lora";

    private TrainingStateFile() {
    }

    /** Writes the state into {@code dir}; returns the file. */
    public static Path write(PolicyState policy, Path dir) {
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("format", FORMAT)
                .metadata("policy_id", policy.policyId())
                .metadata("rank", Integer.toString(policy.rank()))
                .metadata("alpha", Float.toString(policy.alpha()))
                .metadata(RS_LORA, Boolean.toString(policy.rsLora()))
                .metadata("adam_step", Long.toString(policy.adam().step()))
                .metadata("revision", Long.toString(policy.revision()))
                .metadata("rng_state", Long.toString(policy.rng().state()));
        policy.parameters().forEach((name, a) -> w.add(LORA + name, a.getShape().getShape(), a.toFloatArray()));
        try (NDList moments = policy.adam().toNDList()) {
            for (NDArray m : moments) {
                w.add(m.getName(), m.getShape().getShape(), m.toFloatArray());
            }
        }
        Path file = dir.resolve(FILE);
        w.write(file);
        return file;
    }

    /**
     * Loads the factors into {@code policy}; with {@code withOptimizer} also the Adam moments and step, the revision
     * and the random generator, so training continues exactly where it stopped. Without it the optimizer starts
     * fresh (Tinker's load_state). Either way, gradients accumulated before the load are dropped: they were taken
     * at weights that no longer exist.
     */
    public static void read(PolicyState policy, Path dir, boolean withOptimizer) {
        Path file = dir.resolve(FILE);
        try (SafetensorsReader r = SafetensorsReader.open(file, true)) {
            Map<String, String> meta = r.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new TrainingException(file + " is not a MinT training state (format " + meta.get("format") + ")");
            }
            int rank = (int) requireLong(meta, "rank", file);
            float alpha = requireFloat(meta, "alpha", file);
            // files written before rsLoRA was recorded were all plain LoRA
            boolean rsLora = Boolean.parseBoolean(meta.getOrDefault(RS_LORA, "false"));
            if (rank != policy.rank()) {
                throw new TrainingException(file + " holds a rank-" + rank + " adapter; policy " + policy.policyId()
                        + " has rank " + policy.rank());
            }
            if (rsLora != policy.rsLora()) {
                throw new TrainingException(file + " holds a" + (rsLora ? "n rsLoRA" : " plain LoRA")
                        + " adapter (scale alpha/" + (rsLora ? "sqrt(r)" : "r") + "); policy " + policy.policyId()
                        + " is " + (policy.rsLora() ? "rsLoRA" : "plain LoRA"));
            }
            Map<LoraKey, float[]> a = new LinkedHashMap<>();
            Map<LoraKey, float[]> b = new LinkedHashMap<>();
            for (LoraKey key : policy.loraKeys()) {
                a.put(key, require(r, file, LORA + PolicyState.paramName(key, "A")).floats());
                b.put(key, require(r, file, LORA + PolicyState.paramName(key, "B")).floats());
            }
            // everything that can fail is read and checked before the policy changes
            AdamState restored = withOptimizer ? readAdam(policy, r, file, requireLong(meta, "adam_step", file)) : null;
            long revision = withOptimizer ? requireLong(meta, "revision", file) : 0;
            long rngState = withOptimizer ? requireLong(meta, "rng_state", file) : 0;
            policy.clearGradients();
            policy.load(new LoraWeights(rank, alpha, rsLora, policy.targets(), a, b));
            if (!withOptimizer) {
                policy.replaceAdam(new AdamState(policy.manager()));
                return;
            }
            policy.replaceAdam(restored);
            policy.setRevision(revision);
            policy.rng().setState(rngState);
        }
    }

    /**
     * The saved Adam moments; once the optimizer has stepped they must cover every parameter of the policy (a missing
     * one would silently restart from zero moments and break the bit-exact resume).
     */
    private static AdamState readAdam(PolicyState policy, SafetensorsReader r, Path file, long step) {
        boolean anySaved = r.names().stream().anyMatch(n -> n.startsWith(ADAM));
        List<String> missing = new ArrayList<>();
        if (step > 0 || anySaved) {
            for (String name : policy.parameters().keySet()) {
                for (String moment : List.of(ADAM + "m." + name, ADAM + "v." + name)) {
                    if (!r.contains(moment)) {
                        missing.add(moment);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new TrainingException(file + " has Adam step " + step + " but lacks the moments " + missing
                    + " of policy " + policy.policyId() + "'s parameters");
        }
        try (NDList moments = new NDList()) {
            for (String name : r.names()) {
                if (name.startsWith(ADAM)) {
                    HostTensor t = r.read(name);
                    NDArray m = policy.manager().create(t.floats(), new Shape(t.shape()));
                    m.setName(name);
                    moments.add(m);
                }
            }
            return AdamState.restore(policy.manager(), moments, step);
        }
    }

    /** A metadata entry this format always writes, or an error naming the key that is absent. */
    static String requireMeta(Map<String, String> meta, String key, Path file) {
        String value = meta.get(key);
        if (value == null) {
            throw new TrainingException(file + " lacks metadata '" + key + "' (written by another version?)");
        }
        return value;
    }

    private static long requireLong(Map<String, String> meta, String key, Path file) {
        String value = requireMeta(meta, key, file);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new TrainingException(file + " has metadata '" + key + "' = '" + value + "', not an integer");
        }
    }

    private static float requireFloat(Map<String, String> meta, String key, Path file) {
        String value = requireMeta(meta, key, file);
        try {
            return Float.parseFloat(value);
        } catch (NumberFormatException e) {
            throw new TrainingException(file + " has metadata '" + key + "' = '" + value + "', not a number");
        }
    }

    private static HostTensor require(SafetensorsReader r, Path file, String name) {
        if (!r.contains(name)) {
            throw new TrainingException(file + " lacks tensor '" + name + "' that the policy's LoRA shape needs");
        }
        return r.read(name);
    }
}
