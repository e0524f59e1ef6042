package ai.mint.training.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;
import ai.mint.training.TrainingException;
import ai.mint.training.grpo.AdamState;
import ai.mint.training.step.PolicyState;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resumable state of one policy in one safetensors file: the LoRA factors ({@code lora.NAME}), the Adam moments
 * ({@code adam.m.NAME}, {@code adam.v.NAME}), and in the metadata the Adam step, the revision, the random generator's
 * state and the LoRA shape. Float32 throughout, so a reload is bit-exact.
 */
public final class TrainingStateFile {

    static final String FILE = "training_state.safetensors";
    static final String FORMAT = "mint-training-state-v1";
    private static final String LORA = "lora.";

    private TrainingStateFile() {
    }

    /** Writes the state into {@code dir}; returns the file. */
    public static Path write(PolicyState policy, Path dir) {
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("format", FORMAT)
                .metadata("policy_id", policy.policyId())
                .metadata("rank", Integer.toString(policy.rank()))
                .metadata("alpha", Float.toString(policy.alpha()))
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
     * fresh (Tinker's load_state).
     */
    public static void read(PolicyState policy, Path dir, boolean withOptimizer) {
        Path file = dir.resolve(FILE);
        try (SafetensorsReader r = SafetensorsReader.open(file, true)) {
            Map<String, String> meta = r.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new TrainingException(file + " is not a MinT training state (format " + meta.get("format") + ")");
            }
            int rank = Integer.parseInt(meta.get("rank"));
            Map<LoraKey, float[]> a = new LinkedHashMap<>();
            Map<LoraKey, float[]> b = new LinkedHashMap<>();
            for (LoraKey key : policy.snapshot().a().keySet()) {
                a.put(key, require(r, file, LORA + PolicyState.paramName(key, "A")).floats());
                b.put(key, require(r, file, LORA + PolicyState.paramName(key, "B")).floats());
            }
            if (rank != policy.rank()) {
                throw new TrainingException(file + " holds a rank-" + rank + " adapter; policy " + policy.policyId()
                        + " has rank " + policy.rank());
            }
            policy.load(new LoraWeights(rank, Float.parseFloat(meta.get("alpha")), false, policy.targets(), a, b));
            if (!withOptimizer) {
                policy.replaceAdam(new AdamState(policy.manager()));
                return;
            }
            NDList moments = new NDList();
            for (String name : r.names()) {
                if (name.startsWith("adam.")) {
                    HostTensor t = r.read(name);
                    NDArray m = policy.manager().create(t.floats(), new ai.djl.ndarray.types.Shape(t.shape()));
                    m.setName(name);
                    moments.add(m);
                }
            }
            policy.replaceAdam(AdamState.restore(policy.manager(), moments, Long.parseLong(meta.get("adam_step"))));
            moments.close();
            policy.setRevision(Long.parseLong(meta.get("revision")));
            policy.rng().setState(Long.parseLong(meta.get("rng_state")));
        }
    }

    private static HostTensor require(SafetensorsReader r, Path file, String name) {
        if (!r.contains(name)) {
            throw new TrainingException(file + " lacks tensor '" + name + "' that the policy's LoRA shape needs");
        }
        return r.read(name);
    }
}
