package ai.mint.training.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.training.grpo.AdamState;
import ai.mint.training.grpo.SeededRng;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything one policy owns while it is being trained: its LoRA factors as device arrays (the master copy, at the
 * policy's own rank), the gradients accumulated since its last optimizer step, its Adam state, its random generator
 * and its revision number. Nothing here is shared with another policy, which is what keeps a K-policy step equal to
 * K single-policy steps.
 */
public final class PolicyState implements AutoCloseable {

    private final String policyId;
    private final ModelConfig config;
    private final int rank;
    private final float alpha;
    private final boolean rsLora;
    private final Set<Projection> targets;
    private final NDManager manager;
    private final Map<LoraKey, NDArray[]> factors = new LinkedHashMap<>(); // key -> {A, B}
    private final Map<String, NDArray> params = new LinkedHashMap<>();       // name -> A or B, same arrays
    private final Map<String, NDArray> gradSum = new LinkedHashMap<>();
    private AdamState adam;
    private final SeededRng rng;
    private long revision;

    public PolicyState(String policyId, ModelConfig config, LoraWeights initial, NDManager parent, long seed) {
        initial.checkFits(config);
        this.policyId = policyId;
        this.config = config;
        this.rank = initial.rank();
        this.alpha = initial.alpha();
        this.rsLora = initial.rsLora();
        this.targets = initial.targets();
        this.manager = parent.newSubManager();
        for (LoraKey key : initial.a().keySet()) {
            NDArray a = manager.create(initial.a().get(key), shapeA(key));
            NDArray b = manager.create(initial.b().get(key), shapeB(key));
            factors.put(key, new NDArray[]{a, b});
            params.put(paramName(key, "A"), a);
            params.put(paramName(key, "B"), b);
        }
        this.adam = new AdamState(manager);
        this.rng = new SeededRng(seed);
    }

    /** The name a factor goes by in checkpoints and gradients, e.g. {@code 3.q_proj.A}. */
    public static String paramName(LoraKey key, String factor) {
        return key.layer() + "." + key.projection().peftName() + (key.expert() ? ".experts" : "") + "." + factor;
    }

    Shape shapeA(LoraKey key) {
        return key.expert() ? new Shape(config.numExperts(), key.inDim(config), rank) : new Shape(key.inDim(config), rank);
    }

    Shape shapeB(LoraKey key) {
        return key.expert() ? new Shape(config.numExperts(), rank, key.outDim(config)) : new Shape(rank, key.outDim(config));
    }

    public String policyId() {
        return policyId;
    }

    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }

    /** Whether the adapter scales by alpha / sqrt(rank) (rsLoRA) instead of alpha / rank. */
    public boolean rsLora() {
        return rsLora;
    }

    public Set<Projection> targets() {
        return targets;
    }

    public ModelConfig config() {
        return config;
    }

    /** The trainable factors by name; updated in place by the optimizer. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    Map<LoraKey, NDArray[]> factors() {
        return factors;
    }

    /** The projections this policy adapts, one key per layer and target (no device-to-host copy). */
    public Set<LoraKey> loraKeys() {
        return Collections.unmodifiableSet(factors.keySet());
    }

    /** Adds {@code grad} (same shape as the named factor) to the gradient accumulated since the last step. */
    void accumulateGradient(String name, NDArray grad) {
        NDArray sum = gradSum.get(name);
        if (sum == null) {
            NDArray copy = grad.duplicate();
            copy.attach(manager);
            gradSum.put(name, copy);
        } else {
            sum.addi(grad);
        }
    }

    /** Gradients accumulated since the last optimizer step (empty if none). */
    public Map<String, NDArray> accumulatedGradients() {
        return Collections.unmodifiableMap(gradSum);
    }

    /** Drops the gradients accumulated since the last optimizer step (after a step, or when a checkpoint is loaded). */
    public void clearGradients() {
        gradSum.values().forEach(NDArray::close);
        gradSum.clear();
    }

    public AdamState adam() {
        return adam;
    }

    /** Replaces the optimizer state (on load); the old one is closed. */
    public void replaceAdam(AdamState restored) {
        adam.close();
        adam = restored;
    }

    public NDManager manager() {
        return manager;
    }

    public SeededRng rng() {
        return rng;
    }

    /** How many optimizer steps produced the current weights (0 = the initial adapter). */
    public long revision() {
        return revision;
    }

    public void setRevision(long revision) {
        this.revision = revision;
    }

    void advanceRevision() {
        revision++;
    }

    /** Copies the current factors to Java memory, e.g. to hand them to a rollout engine or write them out. */
    public LoraWeights snapshot() {
        Map<LoraKey, float[]> a = new LinkedHashMap<>();
        Map<LoraKey, float[]> b = new LinkedHashMap<>();
        factors.forEach((key, ab) -> {
            a.put(key, ab[0].toFloatArray());
            b.put(key, ab[1].toFloatArray());
        });
        return new LoraWeights(rank, alpha, rsLora, targets, a, b);
    }

    /** Overwrites the factors with {@code w} (same rank and targets), e.g. when loading a checkpoint. */
    public void load(LoraWeights w) {
        if (w.rank() != rank || !w.a().keySet().equals(factors.keySet())) {
            throw new IllegalArgumentException("checkpoint for policy " + policyId + " has rank " + w.rank()
                    + " and targets " + w.targets() + "; the policy has rank " + rank + " and targets " + targets);
        }
        factors.forEach((key, ab) -> {
            ab[0].set(w.a().get(key));
            ab[1].set(w.b().get(key));
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
