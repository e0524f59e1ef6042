package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.TrainingCheckpoint;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resumable state of one policy in one safetensors file: the LoRA factors ({@code lora.NAME}), the Adam moments
 * ({@code adam.m.NAME}, {@code adam.v.NAME}), and in the metadata the LoRA shape (rank, alpha, rsLoRA), the Adam step
 * and whatever the saver adds (a trainer's revision and random state). Float32 throughout, so a reload is bit-exact.
 */
final class TrainingStateFile {

    static final String FILE = "training_state.safetensors";
    static final String FORMAT = "mint-training-state-v1";
    private static final String LORA = "lora.";
    private static final String ADAM = "adam.";
    private static final String RS_LORA = "rs_lora";
    private static final List<String> OWN_KEYS = List.of("format", "rank", "alpha", RS_LORA, "adam_step");

    private TrainingStateFile() {
    }

    /** Writes the state into {@code dir} with {@code extra} metadata beside the engine's own; returns the file. */
    static Path write(DevicePolicy policy, Path dir, Map<String, String> extra) {
        for (String key : extra.keySet()) {
            if (OWN_KEYS.contains(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is the training state's own");
            }
        }
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("format", FORMAT)
                .metadata("rank", Integer.toString(policy.rank()))
                .metadata("alpha", Float.toString(policy.alpha()))
                .metadata(RS_LORA, Boolean.toString(policy.rsLora()))
                .metadata("adam_step", Long.toString(policy.optimizerSteps()));
        extra.forEach(w::metadata);
        LoraWeights factors = policy.factors().toHost();
        for (LoraKey key : factors.a().keySet()) {
            w.add(LORA + key.parameterName(LoraKey.A), key.shapeA(policy.config(), factors.rank()),
                    factors.a().get(key));
            w.add(LORA + key.parameterName(LoraKey.B), key.shapeB(policy.config(), factors.rank()),
                    factors.b().get(key));
        }
        try (NDList moments = policy.adam().toNDList()) {
            for (NDArray m : moments) {
                w.add(m.getName(), m.getShape().getShape(), m.toFloatArray());
            }
        }
        Path file = dir.resolve(FILE);
        w.write(file);
        return file;
    }

    /** Reads a state file and checks its format and LoRA shape entries; nothing is restored. */
    static TrainingCheckpoint read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new EngineException("no training state in " + dir + " (" + FILE + " is missing)");
        }
        try (SafetensorsReader r = SafetensorsReader.open(file, true)) {
            Map<String, String> meta = r.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new EngineException(file + " is not a MinT training state (format " + meta.get("format") + ")");
            }
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (String name : r.names()) {
                tensors.put(name, r.read(name));
            }
            TrainingCheckpoint checkpoint = new TrainingCheckpoint(file, meta, tensors);
            checkpoint.requireLong("rank");
            checkpoint.requireFloat("alpha");
            return checkpoint;
        }
    }

    /**
     * Loads the factors into {@code policy}; with {@code withOptimizer} also the Adam moments and step, so training
     * continues exactly where it stopped. Without it the optimizer starts fresh (Tinker's load_state). Either way,
     * gradients accumulated before the load are dropped: they were taken at weights that no longer exist.
     */
    static void restore(DevicePolicy policy, TrainingCheckpoint cp, boolean withOptimizer) {
        Path file = cp.file();
        int rank = (int) cp.requireLong("rank");
        float alpha = cp.requireFloat("alpha");
        // files written before rsLoRA was recorded were all plain LoRA
        boolean rsLora = Boolean.parseBoolean(cp.metadata().getOrDefault(RS_LORA, "false"));
        if (rank != policy.rank()) {
            throw new EngineException(file + " holds a rank-" + rank + " adapter; policy " + policy.policyId()
                    + " has rank " + policy.rank());
        }
        if (rsLora != policy.rsLora()) {
            throw new EngineException(file + " holds a" + (rsLora ? "n rsLoRA" : " plain LoRA")
                    + " adapter (scale alpha/" + (rsLora ? "sqrt(r)" : "r") + "); policy " + policy.policyId()
                    + " is " + (policy.rsLora() ? "rsLoRA" : "plain LoRA"));
        }
        Map<LoraKey, float[]> a = new LinkedHashMap<>();
        Map<LoraKey, float[]> b = new LinkedHashMap<>();
        for (LoraKey key : policy.factors().a().keySet()) {
            a.put(key, require(cp, LORA + key.parameterName(LoraKey.A)).floats());
            b.put(key, require(cp, LORA + key.parameterName(LoraKey.B)).floats());
        }
        LoraWeights weights = new LoraWeights(rank, alpha, rsLora, policy.targets(), a, b);
        weights.checkFits(policy.config());
        // everything that can fail is read and checked before the policy changes
        AdamState restored = withOptimizer ? readAdam(policy, cp, cp.requireLong("adam_step")) : null;
        policy.clearGradients();
        policy.factors().overwrite(weights);
        policy.replaceAdam(restored != null ? restored : new AdamState(policy.manager()));
    }

    /**
     * The saved Adam moments; once the optimizer has stepped they must cover every parameter of the policy (a missing
     * one would silently restart from zero moments and break the bit-exact resume).
     */
    private static AdamState readAdam(DevicePolicy policy, TrainingCheckpoint cp, long step) {
        boolean anySaved = cp.tensors().keySet().stream().anyMatch(n -> n.startsWith(ADAM));
        List<String> missing = new ArrayList<>();
        if (step > 0 || anySaved) {
            for (String name : policy.factors().parameters().keySet()) {
                for (String moment : List.of(ADAM + "m." + name, ADAM + "v." + name)) {
                    if (!cp.tensors().containsKey(moment)) {
                        missing.add(moment);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new EngineException(cp.file() + " has Adam step " + step + " but lacks the moments " + missing
                    + " of policy " + policy.policyId() + "'s parameters");
        }
        try (NDList moments = new NDList()) {
            cp.tensors().forEach((name, t) -> {
                if (name.startsWith(ADAM)) {
                    NDArray m = policy.manager().create(t.floats(), new Shape(t.shape()));
                    m.setName(name);
                    moments.add(m);
                }
            });
            return AdamState.restore(policy.manager(), moments, step);
        }
    }

    private static HostTensor require(TrainingCheckpoint cp, String name) {
        HostTensor t = cp.tensors().get(name);
        if (t == null) {
            throw new EngineException(cp.file() + " lacks tensor '" + name + "' that the policy's LoRA shape needs");
        }
        return t;
    }
}
